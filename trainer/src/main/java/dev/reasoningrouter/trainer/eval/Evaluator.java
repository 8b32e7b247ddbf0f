package dev.reasoningrouter.trainer.eval;

import dev.reasoningrouter.engine.generate.SamplingParams;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.prompt.ReasoningPrompts;
import dev.reasoningrouter.engine.serving.ChatCall;
import dev.reasoningrouter.engine.serving.ChatOutcome;
import dev.reasoningrouter.engine.serving.ModelHost;
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

    /** Critic scores of candidate answers (empty candidates score 0). */
    public List<Double> scores(List<Task> tasks, List<String> candidates) {
        return verdicts(tasks, candidates).stream().map(Verdict::score).toList();
    }

    /** The critic's score and its one-token reply (what serving passes on as the critique). */
    public record Verdict(double score, String reply, int promptTokens, int completionTokens) {}

    /** The critic on each candidate answer; an empty candidate scores 0 without asking. */
    public List<Verdict> verdicts(List<Task> tasks, List<String> candidates) {
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
        List<Verdict> out = new ArrayList<>();
        for (CompletableFuture<ChatOutcome> f : futures) {
            if (f == null) {
                out.add(new Verdict(0, "", 0, 0));
                continue;
            }
            ChatOutcome o = f.join();
            out.add(new Verdict(acceptShare(o.probeLogprobs()), o.text(), o.promptTokens(), o.completionTokens()));
        }
        return out;
    }

    /**
     * The reasoning path's verification loop, as {@code reasoning-path}'s {@code VerificationLoop} runs it with one
     * sample per round: a greedy worked draft; the critic scores its answer; below {@code threshold} the draft and the
     * critic's reply go back as a refine request and the model works the task again, up to {@code maxRounds} drafts;
     * the answer is the best-scored draft (the earliest on a tie). Tokens count every draft and every verdict.
     */
    public List<ItemResult> verified(List<Task> tasks, int maxRounds, double threshold) {
        EvalMode mode = EvalMode.reasoning();
        int n = tasks.size();
        String[] best = new String[n], bestReply = new String[n], last = new String[n];
        double[] bestScore = new double[n];
        Verdict[] lastVerdict = new Verdict[n];
        int[] prompt = new int[n], completion = new int[n];
        java.util.Arrays.fill(bestScore, -1);
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            open.add(i);
        }
        for (int round = 1; round <= maxRounds && !open.isEmpty(); round++) {
            List<CompletableFuture<ChatOutcome>> futures = new ArrayList<>();
            for (int i : open) {
                Conversation c = round == 1 ? Forms.worked(tasks.get(i))
                        : Forms.refine(tasks.get(i), last[i], lastVerdict[i].score(), lastVerdict[i].reply());
                futures.add(host.chatAsync(new ChatCall(c.turns(), c.replyPrefix(), SamplingParams.greedy(mode.maxTokens()),
                        budget(0), List.of()), null, null));
            }
            List<Task> asked = new ArrayList<>();
            List<String> answers = new ArrayList<>();
            List<String> replies = new ArrayList<>();
            for (int j = 0; j < open.size(); j++) {
                int i = open.get(j);
                ChatOutcome o = futures.get(j).join();
                prompt[i] += o.promptTokens();
                completion[i] += o.completionTokens();
                asked.add(tasks.get(i));
                answers.add(AnswerChecker.finalAnswer(o.text(), true));
                replies.add(o.text());
            }
            List<Verdict> verdicts = verdicts(asked, answers);
            List<Integer> still = new ArrayList<>();
            for (int j = 0; j < open.size(); j++) {
                int i = open.get(j);
                Verdict v = verdicts.get(j);
                prompt[i] += v.promptTokens();
                completion[i] += v.completionTokens();
                if (v.score() > bestScore[i]) {
                    bestScore[i] = v.score();
                    best[i] = answers.get(j);
                    bestReply[i] = replies.get(j);
                }
                last[i] = answers.get(j).isBlank() ? "(no answer)" : answers.get(j);
                lastVerdict[i] = v;
                if (v.score() < threshold) {
                    still.add(i);
                }
            }
            open = still;
        }
        List<ItemResult> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Task t = tasks.get(i);
            out.add(new ItemResult(t, "verified", bestReply[i], best[i], AnswerChecker.matches(t.answer(), best[i]), prompt[i],
                    completion[i]));
        }
        return out;
    }

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
