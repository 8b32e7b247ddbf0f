package dev.reasoningrouter.contracts;

import java.util.List;
import java.util.Map;

/**
 * A chat request as it travels on {@code rr.requests}: the OpenAI body's essentials plus the batch
 * coordinates. Optional fields are null when the client did not set them.
 */
public record InferenceRequest(
        String requestId,
        String batchId,
        String customId,
        String model,
        List<ChatMessage> messages,
        Integer maxTokens,
        Double temperature,
        Double topP,
        Long seed,
        Map<String, String> metadata,
        long createdAtMs) {

    /** Metadata key of a per-request route threshold in [0, 1], honoured by the classifier's routing stage. */
    public static final String METADATA_THRESHOLD = "rr_threshold";
    /** Metadata key of a forced route ({@code fast} or {@code reasoning}): the routing stage does not classify. */
    public static final String METADATA_ROUTE = "rr_route";

    /** The text the classifier scores: the last user message. */
    public String lastUserText() {
        if (messages == null) {
            return null;
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            ChatMessage m = messages.get(i);
            if (m != null && "user".equals(m.role())) {
                return m.content();
            }
        }
        return null;
    }

    public String resultKey() {
        return Topics.resultKey(batchId, customId, requestId);
    }
}
