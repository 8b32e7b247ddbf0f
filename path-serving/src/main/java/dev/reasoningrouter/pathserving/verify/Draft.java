package dev.reasoningrouter.pathserving.verify;

import dev.reasoningrouter.engine.generate.FinishReason;

/**
 * One answer the learner drafted.
 *
 * @param thinking         its thinking (may be empty)
 * @param answer           the answer after the thinking; empty when the reply ran out before giving one
 * @param finishReason     why the reply ended
 * @param promptTokens     prompt tokens the draft took
 * @param completionTokens tokens generated (thinking and answer)
 * @param answerTokens     tokens of the answer alone
 * @param ttftNanos        time to its first token
 */
public record Draft(String thinking, String answer, FinishReason finishReason, int promptTokens, int completionTokens,
                    int answerTokens, long ttftNanos) {

    /** A draft made elsewhere (the fast path's escalated answer): only its text is known here. */
    public static Draft given(String answer) {
        return new Draft("", answer == null ? "" : answer.strip(), FinishReason.STOP, 0, 0, 0, 0);
    }

    public boolean hasAnswer() {
        return !answer.isBlank();
    }
}
