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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The default critic: the served model itself, asked {@link ReasoningPrompts#verifierQuestion}. The score is the
 * probability it gives to accepting over rejecting at its first reply token,
 * {@code P(accept) / (P(accept) + P(reject))} summed over the accept and reject words' first tokens, so a verdict is
 * always defined whatever the model then writes; the reply itself (greedy, a few tokens) is the critique.
 */
public final class ModelCritic implements Verifier {
    private final ModelHost host;
    private final ExpertBudget budget;
    private final int critiqueTokens;
    private final List<String> words;
    private final int acceptCount;

    public ModelCritic(ModelHost host, ExpertBudget budget, int critiqueTokens) {
        if (critiqueTokens < 1) {
            throw new IllegalArgumentException("the critique needs at least one token, got " + critiqueTokens);
        }
        this.host = host;
        this.budget = budget;
        this.critiqueTokens = critiqueTokens;
        // each distinct first token counts once, on the side it first appears
        Set<Integer> seen = new LinkedHashSet<>();
        List<String> accept = distinct(ReasoningPrompts.ACCEPT_WORDS, seen);
        List<String> reject = distinct(ReasoningPrompts.REJECT_WORDS, seen);
        if (accept.isEmpty() || reject.isEmpty()) {
            throw new IllegalStateException("this model's tokenizer cannot tell the critic's accept and reject words apart");
        }
        this.words = new ArrayList<>(accept);
        this.words.addAll(reject);
        this.acceptCount = accept.size();
    }

    private List<String> distinct(List<String> candidates, Set<Integer> seen) {
        List<String> out = new ArrayList<>();
        for (String w : candidates) {
            if (seen.add(host.firstToken(w))) {
                out.add(w);
            }
        }
        return out;
    }

    @Override
    public String name() {
        return "model-critic";
    }

    @Override
    public Verdict verify(String question, String answer, CancellationToken cancel) {
        ChatCall call = new ChatCall(List.of(new ChatTurn("user", ReasoningPrompts.verifierQuestion(question, answer))), "",
                SamplingParams.greedy(critiqueTokens), budget, words);
        ChatOutcome o = host.chat(call, null, cancel);
        float[] lp = o.probeLogprobs();
        if (lp.length != words.size()) {
            throw new IllegalStateException("the critic was stopped before it answered");
        }
        double accept = logSumExp(lp, 0, acceptCount);
        double reject = logSumExp(lp, acceptCount, lp.length);
        double score = accept == Double.NEGATIVE_INFINITY && reject == Double.NEGATIVE_INFINITY ? 0.5
                : 1.0 / (1.0 + Math.exp(reject - accept));
        return new Verdict(score, o.text(), o.promptTokens(), o.completionTokens());
    }

    private static double logSumExp(float[] x, int from, int to) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            max = Math.max(max, x[i]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += Math.exp(x[i] - max);
        }
        return max + Math.log(sum);
    }
}
