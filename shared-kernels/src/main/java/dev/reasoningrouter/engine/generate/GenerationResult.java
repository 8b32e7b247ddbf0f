package dev.reasoningrouter.engine.generate;

/**
 * A finished sequence.
 *
 * @param tokens    the generated token ids (stop sequences excluded)
 * @param logprobs  per generated token, natural log
 * @param text      decoded output, or null without a tokenizer
 * @param expertsPerToken the routed-expert budget it ran with
 * @param prefillNanos time spent on the prompt; {@code decodeNanos} on the generated tokens
 */
public record GenerationResult(int[] tokens, float[] logprobs, String text, FinishReason finishReason, int promptTokens,
                               int expertsPerToken, long prefillNanos, long decodeNanos) {}
