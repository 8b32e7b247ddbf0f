package dev.reasoningrouter.trainer.eval;

import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.engine.generate.SamplingParams;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.prompt.ReasoningPrompts;
import dev.reasoningrouter.engine.serving.ChatCall;
import dev.reasoningrouter.engine.serving.ChatOutcome;
import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import dev.reasoningrouter.pathserving.verify.LoopOutcome;
import dev.reasoningrouter.pathserving.verify.LoopSettings;
import dev.reasoningrouter.pathserving.verify.ModelCritic;
import dev.reasoningrouter.pathserving.verify.Verifier;
import dev.reasoningrouter.pathserving.verify.ModelLearner;
import dev.reasoningrouter.pathserving.verify.VerificationLoop;
import java.time.Duration;
import dev.reasoningrouter.trainer.tasks.AnswerChecker;
import dev.reasoningrouter.trainer.tasks.Conversation;
import dev.reasoningrouter.trainer.tasks.Corruptions;
import dev.reasoningrouter.trainer.tasks.Forms;
import dev.reasoningrouter.trainer.tasks.Task;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Puts held-out tasks to a model served by the engine ({@link ModelHost}: its tokenizer, chat template, batching
 * generator and expert budgets, exactly as the paths serve it) and checks every answer. All requests of a mode are
 * queued at once so the generator decodes them in batches.
 */
public final class Evaluator {
    private final ModelHost host;
    private final List<String> probeWords;
    private final int acceptCount;

    public Evaluator(ModelHost host) {
        this.host = host;
        // as the serving critic does: each distinct first token counts once, on the side it first appears
        Set<Integer> seen = new LinkedHashSet<>();
        List<String> accept = new ArrayList<>(), reject = new ArrayList<>();
        for (String w : ReasoningPrompts.ACCEPT_WORDS) {
            if (seen.add(host.firstToken(w))) {
                accept.add(w);
            }
        }
        for (String w : ReasoningPrompts.REJECT_WORDS) {
            if (seen.add(host.firstToken(w))) {
                reject.add(w);
            }
        }
        this.probeWords = new ArrayList<>(accept);
        this.probeWords.addAll(reject);
        this.acceptCount = accept.size();
    }

    public ModelHost host() {
        return host;
    }

    private ExpertBudget budget(int experts) {
        return experts <= 0 ? ExpertBudget.full(host.config()) : ExpertBudget.of(experts, host.config());
    }

    /** Every task answered greedily in {@code mode}. */
    public List<ItemResult> answer(List<Task> tasks, EvalMode mode) {
        List<CompletableFuture<ChatOutcome>> futures = new ArrayList<>();
        for (Task t : tasks) {
            Conversation c = mode.thinking() ? Forms.worked(t) : Forms.direct(t);
            futures.add(host.chatAsync(new ChatCall(c.turns(), c.replyPrefix(), SamplingParams.greedy(mode.maxTokens()),
                    budget(mode.experts()), List.of()), null, null));
        }
        List<ItemResult> out = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            ChatOutcome o = futures.get(i).join();
            Task t = tasks.get(i);
            String answer = AnswerChecker.finalAnswer(o.text(), mode.thinking());
            out.add(new ItemResult(t, mode.name(), o.text(), answer, AnswerChecker.matches(t.answer(), answer), o.promptTokens(),
                    o.completionTokens()));
        }
        return out;
    }

    /** The critic's verdict on one candidate answer: P(accept) / (P(accept) + P(reject)) at the first reply token. */
    public record CriticItem(Task task, String candidate, boolean candidateCorrect, double score) {
        public boolean judgedRight() {
            return (score >= 0.5) == candidateCorrect;
        }
    }

    /** For every task, the critic on its correct answer and on a corrupted one (as a small model errs). */
    public List<CriticItem> critic(List<Task> tasks, long seed) {
        List<String[]> asked = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (Task t : tasks) {
            asked.add(new String[] {t.answer(), Corruptions.wrongAnswer(t, rnd)});
        }
        List<Task> flatTasks = new ArrayList<>();
        List<String> flatCandidates = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            for (String c : asked.get(i)) {
                flatTasks.add(tasks.get(i));
                flatCandidates.add(c);
            }
        }
        List<Double> scores = scores(flatTasks, flatCandidates);
        List<CriticItem> out = new ArrayList<>();
        for (int i = 0; i < flatTasks.size(); i++) {
            Task t = flatTasks.get(i);
            out.add(new CriticItem(t, flatCandidates.get(i), AnswerChecker.matches(t.answer(), flatCandidates.get(i)), scores.get(i)));
        }
        return out;
    }

    /**
     * Critic scores of candidate answers, as the reasoning path's critic computes them (empty candidates score 0
     * without asking).
     */
    public List<Double> scores(List<Task> tasks, List<String> candidates) {
        List<CompletableFuture<ChatOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            String cand = candidates.get(i);
            if (cand == null || cand.isBlank()) {
                futures.add(null);
                continue;
            }
            Conversation c = Forms.critic(tasks.get(i), cand);
            futures.add(host.chatAsync(new ChatCall(c.turns(), "", SamplingParams.greedy(1), budget(0), probeWords), null, null));
        }
        List<Double> out = new ArrayList<>();
        for (CompletableFuture<ChatOutcome> f : futures) {
            out.add(f == null ? 0.0 : acceptShare(f.join().probeLogprobs()));
        }
        return out;
    }

    /**
     * The reasoning path's verification loop itself ({@code pathserving.verify.VerificationLoop} with the served
     * model as learner and critic, one sample per round): a greedy worked draft; the critic scores its answer; below
     * {@code threshold} the draft and the critique go back as a refine request, up to {@code maxRounds} drafts; the
     * answer is the best-scored draft. Tokens count every draft and every critique. Loops run side by side so that the
     * generator batches their requests.
     */
    public List<ItemResult> verified(List<Task> tasks, int maxRounds, double threshold) {
        return verified(tasks, maxRounds, threshold, new ModelCritic(host, budget(0), CRITIQUE_TOKENS));
    }

    /** {@link #verified(List, int, double)} with the critic {@code critic} (the reasoning path's configurable one). */
    public List<ItemResult> verified(List<Task> tasks, int maxRounds, double threshold, Verifier critic) {
        EvalMode mode = EvalMode.reasoning();
        ModelLearner learner = new ModelLearner(host, budget(0), SamplingParams.greedy(mode.maxTokens()), true);
        LoopSettings settings = new LoopSettings(maxRounds, threshold, 1 << 16, Duration.ofHours(1), 1);
        try (ExecutorService samplers = Executors.newVirtualThreadPerTaskExecutor();
             ExecutorService loops = Executors.newVirtualThreadPerTaskExecutor()) {
            VerificationLoop loop = new VerificationLoop(learner, critic, samplers);
            List<java.util.concurrent.Future<LoopOutcome>> futures = new ArrayList<>();
            for (Task t : tasks) {
                futures.add(loops.submit(() -> loop.run(t.question(), List.of(new ChatTurn("user", t.question())), null, settings,
                        trace -> { }, new CancellationToken())));
            }
            List<ItemResult> out = new ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) {
                LoopOutcome o = futures.get(i).get();
                Task t = tasks.get(i);
                String answer = o.chosen().answer();
                out.add(new ItemResult(t, "verified", o.chosen().thinking(), answer, AnswerChecker.matches(t.answer(), answer),
                        o.promptTokens(), o.completionTokens()));
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the verification loop", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the verification loop failed: " + e.getCause(), e.getCause());
        }
    }

    /** The critique's length, as the reasoning path's default ({@code rr.reasoning.verification.critique-tokens}). */
    static final int CRITIQUE_TOKENS = 24;

    /**
     * Best of {@code n} sampled reasoning drafts by critic score (temperature {@code temperature}); the result's mode is
     * {@code best-of-n}. A cheap stand-in for the verification loop's choice among drafts.
     */
    public List<ItemResult> bestOf(List<Task> tasks, int n, double temperature, long seed) {
        EvalMode mode = EvalMode.reasoning();
        List<List<ChatOutcome>> drafts = new ArrayList<>();
        List<List<CompletableFuture<ChatOutcome>>> futures = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            Conversation c = Forms.worked(tasks.get(i));
            List<CompletableFuture<ChatOutcome>> fs = new ArrayList<>();
            for (int s = 0; s < n; s++) {
                fs.add(host.chatAsync(new ChatCall(c.turns(), c.replyPrefix(),
                        SamplingParams.sampled(temperature, 1.0, seed + 7919L * i + s, mode.maxTokens()), budget(0), List.of()),
                        null, null));
            }
            futures.add(fs);
        }
        List<Task> flatTasks = new ArrayList<>();
        List<String> flatAnswers = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            List<ChatOutcome> ds = new ArrayList<>();
            for (CompletableFuture<ChatOutcome> f : futures.get(i)) {
                ChatOutcome o = f.join();
                ds.add(o);
                flatTasks.add(tasks.get(i));
                flatAnswers.add(AnswerChecker.finalAnswer(o.text(), true));
            }
            drafts.add(ds);
        }
        List<Double> scores = scores(flatTasks, flatAnswers);
        List<ItemResult> out = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            int best = 0;
            int prompt = 0, completion = 0;
            for (int s = 0; s < n; s++) {
                if (scores.get(i * n + s) > scores.get(i * n + best)) {
                    best = s;
                }
                prompt += drafts.get(i).get(s).promptTokens();
                completion += drafts.get(i).get(s).completionTokens();
            }
            Task t = tasks.get(i);
            String answer = flatAnswers.get(i * n + best);
            out.add(new ItemResult(t, "best-of-" + n, drafts.get(i).get(best).text(), answer, AnswerChecker.matches(t.answer(), answer),
                    prompt, completion));
        }
        return out;
    }

    /** P(accept words) / P(all probe words), from their log-probabilities (0.5 when none has any probability). */
    private double acceptShare(float[] logprobs) {
        double max = Double.NEGATIVE_INFINITY;
        for (float lp : logprobs) {
            max = Math.max(max, lp);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return 0.5;
        }
        double accept = 0, all = 0;
        for (int i = 0; i < logprobs.length; i++) {
            double p = Math.exp(logprobs[i] - max);
            all += p;
            accept += i < acceptCount ? p : 0;
        }
        return accept / all;
    }
}
