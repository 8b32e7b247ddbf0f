package dev.reasoningrouter.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The outcome of one request on {@code rr.results}, keyed by {@link InferenceRequest#resultKey()}.
 * Exactly one of {@code content} and {@code error} is set.
 *
 * @param reasoningContent the thinking text (reasoning path), else null
 * @param reasoningTokens  how many of the completion tokens were thinking and verification
 * @param errorCode        OpenAI's error code when {@code error} is set
 * @param statusCode       the HTTP status the same request would have had over the REST API (200, or 4xx)
 * @param body             the response body exactly as the REST API would have answered it: a
 *                         {@code chat.completion} (with its {@code rr} block) or an OpenAI error body
 * @param escalatedFrom    the path that escalated the job to the one that answered, else null
 */
public record InferenceResult(
        String requestId,
        String batchId,
        String customId,
        String path,
        String model,
        String content,
        String reasoningContent,
        String finishReason,
        int promptTokens,
        int completionTokens,
        int reasoningTokens,
        @JsonProperty("error") String error,
        String errorCode,
        int statusCode,
        Map<String, Object> body,
        String escalatedFrom,
        long completedAtMs) {

    /**
     * Not a property: as a bean getter it would be written as {@code "error": true} over the message (the explicit
     * {@code @JsonProperty} on the component keeps the message itself in the JSON).
     */
    @JsonIgnore
    public boolean isError() {
        return error != null;
    }
}
