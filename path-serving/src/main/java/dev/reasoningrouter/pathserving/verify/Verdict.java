package dev.reasoningrouter.pathserving.verify;

/**
 * A critic's judgement of one draft.
 *
 * @param score            how likely the draft is correct, in [0, 1]
 * @param critique         a short reason (may be empty), shown to the learner when it refines
 * @param promptTokens     prompt tokens the critic took
 * @param completionTokens tokens the critic generated
 */
public record Verdict(double score, String critique, int promptTokens, int completionTokens) {
    public Verdict {
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("a verdict's score must be in [0, 1], got " + score);
        }
        critique = critique == null ? "" : critique.strip();
    }
}
