package dev.reasoningrouter.trainer.data;

/**
 * A training sequence: token ids, where the reply starts (the loss covers predicting {@code tokens[replyStart..]}:
 * the reply and its end-of-sentence token, never the prompt or the given reply prefix), and the expert budget.
 */
public record TokenSequence(int[] tokens, int replyStart, int experts) {
    public TokenSequence {
        if (replyStart < 1 || replyStart >= tokens.length) {
            throw new IllegalArgumentException("reply start " + replyStart + " outside 1.." + (tokens.length - 1));
        }
    }

    public int length() {
        return tokens.length;
    }

    /** Tokens the loss predicts. */
    public int targets() {
        return tokens.length - replyStart;
    }
}
