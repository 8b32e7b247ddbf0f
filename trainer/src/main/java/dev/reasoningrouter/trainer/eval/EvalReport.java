package dev.reasoningrouter.trainer.eval;

import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.trainer.tasks.Task;
import dev.reasoningrouter.trainer.tasks.TaskKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The evaluation's figures, as a JSON-ready map (so the lead's platform runs can be combined with it) and as a text
 * table: per mode the accuracy overall, per difficulty level, per kind and per kind and level, the active parameters
 * per token, and the tokens per answer; the critic's accuracy on correct and corrupted answers.
 */
public final class EvalReport {
    private final Map<String, Object> root = new LinkedHashMap<>();
    private final List<Map<String, Object>> modes = new ArrayList<>();
    private final List<Map<String, Object>> items = new ArrayList<>();

    public EvalReport(ModelHost host, String file, long seed, int perCell) {
        root.put("model", host.modelName());
        root.put("file", file);
        root.put("totalParameters", host.totalParameters());
        root.put("trainedTopK", host.trainedTopK());
        root.put("heldOut", Map.of("seed", seed, "perCell", perCell, "kinds", TaskKind.values().length,
                "levels", Task.MAX_LEVEL - Task.MIN_LEVEL + 1));
        root.put("modes", modes);
    }

    /** Adds a mode's results; {@code experts} is its routed budget (0 = trained top-k). */
    public Map<String, Object> addMode(String name, int experts, boolean thinking, long activePerToken, List<ItemResult> results,
                                       boolean keepItems) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", name);
        m.put("experts", experts);
        m.put("thinking", thinking);
        m.put("activeParametersPerToken", activePerToken);
        m.put("accuracy", accuracy(results, r -> true));
        double prompt = results.stream().mapToInt(ItemResult::promptTokens).average().orElse(0);
        double completion = results.stream().mapToInt(ItemResult::completionTokens).average().orElse(0);
        m.put("meanPromptTokens", round(prompt));
        m.put("meanCompletionTokens", round(completion));
        m.put("activeParameterTokensPerAnswer", Math.round(activePerToken * (prompt + completion)));
        Map<String, Object> byLevel = new LinkedHashMap<>();
        for (int level = Task.MIN_LEVEL; level <= Task.MAX_LEVEL; level++) {
            int l = level;
            byLevel.put(Integer.toString(level), accuracy(results, r -> r.task().level() == l));
        }
        m.put("byLevel", byLevel);
        Map<String, Object> byKind = new LinkedHashMap<>();
        Map<String, Object> byKindLevel = new LinkedHashMap<>();
        for (TaskKind k : TaskKind.values()) {
            byKind.put(k.id(), accuracy(results, r -> r.task().kind() == k));
            Map<String, Object> levels = new LinkedHashMap<>();
            for (int level = Task.MIN_LEVEL; level <= Task.MAX_LEVEL; level++) {
                int l = level;
                levels.put(Integer.toString(level), accuracy(results, r -> r.task().kind() == k && r.task().level() == l));
            }
            byKindLevel.put(k.id(), levels);
        }
        m.put("byKind", byKind);
        m.put("byKindLevel", byKindLevel);
        modes.add(m);
        if (keepItems) {
            for (ItemResult r : results) {
                Map<String, Object> it = new LinkedHashMap<>();
                it.put("mode", name);
                it.put("kind", r.task().kind().id());
                it.put("level", r.task().level());
                it.put("question", r.task().question());
                it.put("expected", r.task().answer());
                it.put("answer", r.answer());
                it.put("correct", r.correct());
                it.put("completionTokens", r.completionTokens());
                items.add(it);
            }
        }
        return m;
    }

    public void addCritic(List<Evaluator.CriticItem> critic, long activePerToken) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("activeParametersPerToken", activePerToken);
        c.put("items", critic.size());
        c.put("accuracy", round(critic.stream().filter(Evaluator.CriticItem::judgedRight).count() / (double) Math.max(1, critic.size())));
        c.put("acceptsCorrect", round(share(critic, i -> i.candidateCorrect(), i -> i.score() >= 0.5)));
        c.put("rejectsWrong", round(share(critic, i -> !i.candidateCorrect(), i -> i.score() < 0.5)));
        Map<String, Object> byLevel = new LinkedHashMap<>();
        for (int level = Task.MIN_LEVEL; level <= Task.MAX_LEVEL; level++) {
            int l = level;
            byLevel.put(Integer.toString(level), round(share(critic, i -> i.task().level() == l, Evaluator.CriticItem::judgedRight)));
        }
        c.put("byLevel", byLevel);
        root.put("critic", c);
    }

    private static double share(List<Evaluator.CriticItem> items, Predicate<Evaluator.CriticItem> of,
                                Predicate<Evaluator.CriticItem> ok) {
        long n = items.stream().filter(of).count();
        return n == 0 ? Double.NaN : items.stream().filter(of).filter(ok).count() / (double) n;
    }

    private static double accuracy(List<ItemResult> results, Predicate<ItemResult> of) {
        long n = results.stream().filter(of).count();
        return n == 0 ? Double.NaN : round(results.stream().filter(of).filter(ItemResult::correct).count() / (double) n);
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    /** The report as JSON-ready maps and lists. */
    public Map<String, Object> toMap(boolean withItems) {
        Map<String, Object> out = new LinkedHashMap<>(root);
        if (withItems) {
            out.put("items", items);
        }
        return out;
    }

    /** A text table: one row per mode, accuracy per level and overall, active parameters, tokens per answer. */
    @SuppressWarnings("unchecked")
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-14s %3s %5s %7s %7s %7s %7s %8s %10s %8s%n", "mode", "k", "think", "L1", "L2", "L3",
                "L4", "overall", "active/tok", "tok/ans"));
        for (Map<String, Object> m : modes) {
            Map<String, Object> byLevel = (Map<String, Object>) m.get("byLevel");
            sb.append(String.format(Locale.ROOT, "%-14s %3s %5s %6.1f%% %6.1f%% %6.1f%% %6.1f%% %7.1f%% %10d %8.1f%n", m.get("mode"),
                    (int) m.get("experts") == 0 ? "all" : m.get("experts").toString(), (boolean) m.get("thinking") ? "yes" : "no",
                    pct(byLevel.get("1")), pct(byLevel.get("2")), pct(byLevel.get("3")), pct(byLevel.get("4")), pct(m.get("accuracy")),
                    (long) m.get("activeParametersPerToken"), (double) m.get("meanCompletionTokens")));
        }
        Map<String, Object> c = (Map<String, Object>) root.get("critic");
        if (c != null) {
            sb.append(String.format(Locale.ROOT, "critic: %.1f%% right on %d items (accepts %.1f%% of correct answers, rejects %.1f%% of "
                    + "wrong ones)%n", pct(c.get("accuracy")), (int) c.get("items"), pct(c.get("acceptsCorrect")), pct(c.get("rejectsWrong"))));
        }
        return sb.toString();
    }

    private static double pct(Object v) {
        return ((Number) v).doubleValue() * 100;
    }

    /** Active parameters per token at a budget (0 = trained top-k). */
    public static long active(ModelHost host, int experts) {
        return host.activeParametersPerToken(experts <= 0 ? ExpertBudget.full(host.config()) : ExpertBudget.of(experts, host.config()));
    }
}
