package dev.reasoningrouter.engine.generate;

import dev.reasoningrouter.engine.model.ExpertBudget;

/**
 * One sequence to generate: prompt token ids (BOS included if the model wants it), sampling, and the number of
 * routed experts each token may use.
 */
public record GenerationRequest(int[] promptTokens, SamplingParams sampling, ExpertBudget budget) {
    public GenerationRequest {
        if (promptTokens == null || promptTokens.length == 0) {
            throw new IllegalArgumentException("the prompt needs at least one token");
        }
        promptTokens = promptTokens.clone();
    }
}
