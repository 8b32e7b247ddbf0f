package dev.reasoningrouter.engine.generate;

import java.util.List;

/**
 * How to pick tokens and when to stop.
 *
 * @param temperature 0 for greedy (argmax); otherwise logits are divided by it before sampling
 * @param topP        nucleus sampling: sample among the most likely tokens whose probabilities sum to topP (1 = all)
 * @param seed        seeds the sequence's own random source, so sampling is reproducible
 * @param maxTokens   the most tokens to generate
 * @param stopTokenSequences generation stops when the output ends with one of these id sequences (not included)
 * @param stopStrings generation stops when the decoded output contains one of these (needs a tokenizer); the
 *                    text from the stop string on is not reported
 * @param ignoreEos   keep going past the end-of-sequence token
 */
public record SamplingParams(double temperature, double topP, long seed, int maxTokens,
                             List<int[]> stopTokenSequences, List<String> stopStrings, boolean ignoreEos) {

    public SamplingParams {
        if (temperature < 0 || Double.isNaN(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max tokens must be >= 1, got " + maxTokens);
        }
        stopTokenSequences = stopTokenSequences == null ? List.of() : List.copyOf(stopTokenSequences);
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
    }

    public static SamplingParams greedy(int maxTokens) {
        return new SamplingParams(0, 1, 0, maxTokens, List.of(), List.of(), false);
    }

    public static SamplingParams sampled(double temperature, double topP, long seed, int maxTokens) {
        return new SamplingParams(temperature, topP, seed, maxTokens, List.of(), List.of(), false);
    }

    public SamplingParams withStops(List<int[]> tokenSequences, List<String> strings) {
        return new SamplingParams(temperature, topP, seed, maxTokens, tokenSequences, strings, ignoreEos);
    }

    public SamplingParams withIgnoreEos(boolean ignore) {
        return new SamplingParams(temperature, topP, seed, maxTokens, stopTokenSequences, stopStrings, ignore);
    }
}
