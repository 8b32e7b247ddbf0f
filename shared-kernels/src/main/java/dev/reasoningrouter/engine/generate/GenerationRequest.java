package dev.reasoningrouter.engine.generate;

import dev.reasoningrouter.engine.model.ExpertBudget;

/**
 * One sequence to generate: prompt token ids (BOS included if the model wants it), sampling, and the number of
 * routed experts each token may use.
 *
 * @param probeTokens token ids whose log-probabilities at the first generated position the result reports
 *                    ({@link GenerationResult#probeLogprobs()}), e.g. a critic's accept and reject words; may be empty
 */
public record GenerationRequest(int[] promptTokens, SamplingParams sampling, ExpertBudget budget, int[] probeTokens) {
    public GenerationRequest {
        if (promptTokens == null || promptTokens.length == 0) {
            throw new IllegalArgumentException("the prompt needs at least one token");
        }
        promptTokens = promptTokens.clone();
        probeTokens = probeTokens == null ? new int[0] : probeTokens.clone();
    }

    public GenerationRequest(int[] promptTokens, SamplingParams sampling, ExpertBudget budget) {
        this(promptTokens, sampling, budget, null);
    }
}
