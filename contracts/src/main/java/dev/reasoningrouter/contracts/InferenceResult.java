package dev.reasoningrouter.contracts;

/**
 * The outcome of one request on {@code rr.results}, keyed by {@link InferenceRequest#resultKey()}.
 * Exactly one of {@code content} and {@code error} is set.
 */
public record InferenceResult(
        String requestId,
        String batchId,
        String customId,
        String path,
        String model,
        String content,
        String finishReason,
        int promptTokens,
        int completionTokens,
        String error,
        long completedAtMs) {}
