package dev.reasoningrouter.engine.serving;

import dev.reasoningrouter.engine.generate.FinishReason;

/**
 * A finished chat reply.
 *
 * @param text             the assistant's text (stop strings excluded)
 * @param promptTokens     tokens of the rendered prompt
 * @param completionTokens tokens generated
 * @param expertsPerToken  the routed-expert budget it ran with
 * @param ttftNanos        from submission to the first generated token (queueing and prefill included)
 * @param totalNanos       from submission to the end
 * @param tokenLogprobs    natural-log probability of each generated token under the model's distribution
 * @param probeLogprobs    log-probabilities of the call's probe words' first tokens at the first reply position
 */
public record ChatOutcome(String text, int promptTokens, int completionTokens, FinishReason finishReason,
                          int expertsPerToken, long ttftNanos, long totalNanos, float[] tokenLogprobs,
                          float[] probeLogprobs) {

    /** OpenAI's finish_reason: "stop" (EOS or a stop sequence), "length", or "cancelled". */
    public String openAiFinishReason() {
        return switch (finishReason) {
            case EOS, STOP -> "stop";
            case LENGTH -> "length";
            case CANCELLED -> "cancelled";
        };
    }
}
