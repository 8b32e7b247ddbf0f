package dev.reasoningrouter.trainer.eval;

import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.pathserving.verify.ModelCritic;
import dev.reasoningrouter.pathserving.verify.ResolvingCritic;
import dev.reasoningrouter.pathserving.verify.Verifier;
import dev.reasoningrouter.trainer.tasks.Task;
import dev.reasoningrouter.trainer.tasks.TaskGenerator;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** One evaluation of a served model on the held-out set: the chosen modes, the critic, optionally best-of-n. */
public final class EvalRun {
    /** The held-out set's default seed. */
    public static final long DEFAULT_SEED = 7;

    /**
     * @param modes  mode names: {@code fast-kN} (direct answer, N routed experts), {@code direct-full}, {@code reasoning}
     * @param bestOf n of best-of-n by critic score (0 = skip)
     * @param verifyRounds the verification loop's most rounds (0 = skip)
     */
    public record Settings(int perCell, long seed, List<String> modes, boolean critic, int bestOf, int verifyRounds,
                           boolean keepItems, List<String> verifiers) {

        public Settings(int perCell, long seed, List<String> modes, boolean critic, int bestOf, int verifyRounds,
                        boolean keepItems) {
            this(perCell, seed, modes, critic, bestOf, verifyRounds, keepItems, List.of("model-critic"));
        }
    }

    private final ModelHost host;
    private final PrintStream progress;

    public EvalRun(ModelHost host, PrintStream progress) {
        this.host = host;
        this.progress = progress;
    }

    public EvalReport run(String file, Settings s) {
        List<Task> tasks = TaskGenerator.heldOut(s.seed(), s.perCell());
        Evaluator ev = new Evaluator(host);
        EvalReport report = new EvalReport(host, file, s.seed(), s.perCell());
        for (String name : s.modes()) {
            EvalMode mode = mode(name.strip());
            long start = System.nanoTime();
            List<ItemResult> results = ev.answer(tasks, mode);
            report.addMode(mode.name(), mode.experts(), mode.thinking(), EvalReport.active(host, mode.experts()), results, s.keepItems());
            progress.printf(Locale.ROOT, "%s: %d answers in %.0f s%n", mode.name(), results.size(), (System.nanoTime() - start) / 1e9);
        }
        if (s.critic()) {
            long start = System.nanoTime();
            report.addCritic(ev.critic(tasks, s.seed() + 1), EvalReport.active(host, 0));
            progress.printf(Locale.ROOT, "critic: %d verdicts in %.0f s%n", 2 * tasks.size(), (System.nanoTime() - start) / 1e9);
        }
        for (String verifier : s.verifyRounds() > 0 ? s.verifiers() : List.<String>of()) {
            long start = System.nanoTime();
            List<ItemResult> results = ev.verified(tasks, s.verifyRounds(), 0.5, verifier(verifier.strip()));
            String name = verifier.strip().equals("model-critic") ? "verified" : "verified-" + verifier.strip();
            report.addMode(name, 0, true, EvalReport.active(host, 0), results, s.keepItems());
            progress.printf(Locale.ROOT, "%s (up to %d rounds): %d answers in %.0f s%n", name, s.verifyRounds(), results.size(),
                    (System.nanoTime() - start) / 1e9);
        }
        if (s.bestOf() > 1) {
            long start = System.nanoTime();
            List<ItemResult> results = ev.bestOf(tasks, s.bestOf(), 0.7, s.seed() + 2);
            report.addMode("best-of-" + s.bestOf(), 0, true, EvalReport.active(host, 0), results, s.keepItems());
            progress.printf(Locale.ROOT, "best-of-%d: %d answers in %.0f s%n", s.bestOf(), results.size(), (System.nanoTime() - start) / 1e9);
        }
        return report;
    }

    /** The reasoning path's critics by their {@code rr.reasoning.verification.verifier} names. */
    private Verifier verifier(String name) {
        return switch (name) {
            case "model-critic" -> new ModelCritic(host, ExpertBudget.full(host.config()), Evaluator.CRITIQUE_TOKENS);
            case "re-solve" -> new ResolvingCritic(host, ResolvingCritic.budgetsBelow(host.trainedTopK(), 2),
                    EvalMode.reasoning().maxTokens());
            default -> throw new IllegalArgumentException("unknown verifier '" + name + "': model-critic or re-solve");
        };
    }

    static EvalMode mode(String name) {
        if (name.equals("reasoning")) {
            return EvalMode.reasoning();
        }
        if (name.startsWith("reasoning-k")) {
            try {
                return EvalMode.reasoning(Integer.parseInt(name.substring(11)));
            } catch (NumberFormatException e) {
                // fall through to the error
            }
        }
        if (name.equals("direct-full")) {
            return EvalMode.directFull();
        }
        if (name.startsWith("fast-k")) {
            try {
                return EvalMode.fast(Integer.parseInt(name.substring(6)));
            } catch (NumberFormatException e) {
                // fall through to the error
            }
        }
        throw new IllegalArgumentException("unknown evaluation mode '" + name + "': fast-kN, direct-full, reasoning or reasoning-kN");
    }
}
