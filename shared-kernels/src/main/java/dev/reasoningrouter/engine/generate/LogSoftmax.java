package dev.reasoningrouter.engine.generate;

/** The log-probability of one token under a row of logits: sampling's logprobs and perplexity share it. */
public final class LogSoftmax {
    private LogSoftmax() {}

    /** {@code log softmax(logits)[token]}, computed stably (shifted by the row's maximum). */
    public static double at(float[] logits, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return logits[token] - max - Math.log(sum);
    }
}
