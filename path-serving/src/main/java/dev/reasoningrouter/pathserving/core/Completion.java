package dev.reasoningrouter.pathserving.core;

import dev.reasoningrouter.engine.generate.FinishReason;

/**
 * A finished chat completion, whatever policy made it.
 *
 * @param content          the answer
 * @param reasoning        the thinking and verification trace, or "" (fast path)
 * @param finishReason     why the answer ended
 * @param promptTokens     prompt tokens processed (all drafts and critic calls together)
 * @param completionTokens tokens generated (all drafts and critic calls together)
 * @param reasoningTokens  how many of {@code completionTokens} were thinking, critique or discarded drafts
 * @param expertsPerToken  the routed-expert budget of the answer
 * @param ttftNanos        from the start to the first generated token
 * @param totalNanos       from the start to the end
 * @param confidence       the answer's confidence in [0, 1] (fast path), or null
 * @param escalation       the fast path's escalation advice, or null
 * @param verification     the verification loop's report (reasoning path), or null
 */
public record Completion(String content, String reasoning, FinishReason finishReason, int promptTokens,
                         int completionTokens, int reasoningTokens, int expertsPerToken, long ttftNanos, long totalNanos,
                         Double confidence, EscalationAdvice escalation, VerificationReport verification) {

    /** OpenAI's finish_reason: "stop" (EOS or a stop sequence), "length", or "cancelled". */
    public String openAiFinishReason() {
        return switch (finishReason) {
            case EOS, STOP -> "stop";
            case LENGTH -> "length";
            case CANCELLED -> "cancelled";
        };
    }

    /** Tokens of the answer itself. */
    public int answerTokens() {
        return completionTokens - reasoningTokens;
    }
}
