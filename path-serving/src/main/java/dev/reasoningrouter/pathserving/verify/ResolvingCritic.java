package dev.reasoningrouter.pathserving.verify;

import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.engine.generate.SamplingParams;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.prompt.ReasoningPrompts;
import dev.reasoningrouter.engine.serving.ChatCall;
import dev.reasoningrouter.engine.serving.ChatOutcome;
import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A critic that checks a draft by solving the question again: the served model thinks the question through once per
 * expert budget of {@code budgets} (greedy, each budget a different sub-network of the same model, so the solutions
 * are not copies of the draft), and the score is the share of those solutions whose final answer equals the draft's
 * ({@link AnswerKey}), smoothed as {@code (agreeing + 0.5) / (solutions + 1)} so that it is always defined and never
 * 0 or 1. Useful when the model thinks well but judges poorly (a small model's yes/no critic is often at chance); it
 * costs one worked solution per budget and question, computed once: the solutions of the last questions are kept, so
 * later rounds of a loop only compare.
 *
 * <p>The critique is the model's own critic word (yes/no), the form the learner's refine turn was trained on.
 */
public final class ResolvingCritic implements Verifier {
    private static final int REMEMBERED_QUESTIONS = 256;

    private final ModelHost host;
    private final List<ExpertBudget> budgets;
    private final int maxTokens;
    private final Map<String, List<String>> solved;

    /**
     * @param budgets   one independent solution per budget
     * @param maxTokens the longest solution (thinking and answer)
     */
    public ResolvingCritic(ModelHost host, List<ExpertBudget> budgets, int maxTokens) {
        if (budgets.isEmpty()) {
            throw new IllegalArgumentException("the re-solving critic needs at least one expert budget");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("a solution needs at least one token, got " + maxTokens);
        }
        this.host = host;
        this.budgets = List.copyOf(budgets);
        this.maxTokens = maxTokens;
        this.solved = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
                return size() > REMEMBERED_QUESTIONS;
            }
        };
    }

    /** The budgets below the model's full top-k, down to 1: {@code count} of them (the full one when there are none). */
    public static List<ExpertBudget> budgetsBelow(int trainedTopK, int count) {
        List<ExpertBudget> out = new ArrayList<>();
        for (int k = trainedTopK - 1; k >= 1 && out.size() < count; k--) {
            out.add(new ExpertBudget(k));
        }
        if (out.isEmpty()) {
            out.add(new ExpertBudget(trainedTopK));
        }
        return out;
    }

    @Override
    public String name() {
        return "re-solve";
    }

    @Override
    public Verdict verify(String question, String answer, CancellationToken cancel) {
        Solutions s = solutions(question, cancel);
        String key = AnswerKey.of(answer);
        long agreeing = s.answers().stream().filter(a -> !a.isEmpty() && AnswerKey.of(a).equals(key)).count();
        double score = (agreeing + 0.5) / (s.answers().size() + 1.0);
        String word = score >= 0.5 ? ReasoningPrompts.ACCEPT_WORDS.getFirst() : ReasoningPrompts.REJECT_WORDS.getFirst();
        return new Verdict(score, word, s.promptTokens(), s.completionTokens());
    }

    private record Solutions(List<String> answers, int promptTokens, int completionTokens) {}

    private Solutions solutions(String question, CancellationToken cancel) {
        List<String> known;
        synchronized (solved) {
            known = solved.get(question);
        }
        if (known != null) {
            return new Solutions(known, 0, 0);
        }
        List<ChatTurn> turns = List.of(new ChatTurn("user", question));
        List<CompletableFuture<ChatOutcome>> calls = new ArrayList<>();
        for (ExpertBudget b : budgets) {
            // the solutions share the decode batch
            calls.add(host.chatAsync(new ChatCall(turns, ReasoningPrompts.THINK_OPEN, SamplingParams.greedy(maxTokens), b,
                    List.of()), null, cancel));
        }
        List<String> answers = new ArrayList<>();
        int prompt = 0;
        int completion = 0;
        for (CompletableFuture<ChatOutcome> c : calls) {
            ChatOutcome o;
            try {
                o = c.join();
            } catch (CompletionException e) {
                throw new IllegalStateException("a re-solution failed: " + e.getCause().getMessage(), e.getCause());
            }
            prompt += o.promptTokens();
            completion += o.completionTokens();
            answers.add(ReasoningPrompts.splitThinking(o.text()).answer());
        }
        if (cancel.isCancelled()) {
            throw new IllegalStateException("the re-solutions were cut short");
        }
        List<String> result = List.copyOf(answers);
        synchronized (solved) {
            solved.put(question, result);
        }
        return new Solutions(result, prompt, completion);
    }
}
