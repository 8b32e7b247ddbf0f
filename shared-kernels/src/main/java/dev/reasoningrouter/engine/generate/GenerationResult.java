package dev.reasoningrouter.engine.generate;

/**
 * A finished sequence.
 *
 * @param tokens    the generated token ids (stop sequences excluded)
 * @param logprobs  per generated token, natural log
 * @param text      decoded output, or null without a tokenizer
 * @param expertsPerToken the routed-expert budget it ran with
 * @param prefillNanos time spent on the prompt; {@code decodeNanos} on the generated tokens
 * @param probeLogprobs the log-probability of each of the request's probe tokens at the first generated position
 *                      (under the model's distribution, before temperature and top-p), in the request's order
 */
public record GenerationResult(int[] tokens, float[] logprobs, String text, FinishReason finishReason, int promptTokens,
                               int expertsPerToken, long prefillNanos, long decodeNanos, float[] probeLogprobs) {}
