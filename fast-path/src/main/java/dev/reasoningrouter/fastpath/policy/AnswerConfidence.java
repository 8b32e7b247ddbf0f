package dev.reasoningrouter.fastpath.policy;

/**
 * How sure the model was of an answer, from its tokens' log-probabilities: the geometric mean of the tokens'
 * probabilities, {@code exp(mean log p)}, in [0, 1]. One unlikely token in a long answer lowers it without sinking
 * it, unlike the product; an empty answer has confidence 0.
 */
public final class AnswerConfidence {
    private AnswerConfidence() {}

    public static double of(float[] tokenLogprobs) {
        if (tokenLogprobs == null || tokenLogprobs.length == 0) {
            return 0;
        }
        double sum = 0;
        for (float lp : tokenLogprobs) {
            sum += Math.min(0, lp);
        }
        return Math.exp(sum / tokenLogprobs.length);
    }
}
