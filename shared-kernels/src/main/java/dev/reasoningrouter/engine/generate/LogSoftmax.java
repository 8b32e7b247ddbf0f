package dev.reasoningrouter.engine.generate;

import dev.reasoningrouter.engine.model.DeepSeekModel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The log-probability of one token under a row of logits: sampling's logprobs and perplexity share it. */
public final class LogSoftmax {
    private LogSoftmax() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Terms summed in a float before the partial sum joins the double total: bounds the float rounding. */
    private static final int CHUNK = 1024;

    /**
     * {@code log softmax(logits)[token]}, computed stably (shifted by the row's maximum). A decode step calls this once
     * per sequence over the whole vocabulary (129k entries for DeepSeek-V3), where a {@code Math.exp} per entry cost
     * as much as the step's matrix products in batched decode. So the maximum is found with vectors, and e^x comes
     * from {@link DeepSeekModel#fixedExp}'s float arithmetic (about 1 ulp, and the same bits compiled or interpreted,
     * unlike {@code Math.exp}'s intrinsic or the Vector API's EXP); the terms are summed in index order in chunks.
     */
    public static double at(float[] logits, int token) {
        int n = logits.length;
        int lanes = F.length();
        int vEnd = F.loopBound(n);
        FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < vEnd; i += lanes) {
            vmax = vmax.max(FloatVector.fromArray(F, logits, i));
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int l = 0; l < lanes; l++) {
            max = Math.max(max, vmax.lane(l)); // max is exact in any order
        }
        for (int i = vEnd; i < n; i++) {
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        for (int i = 0; i < n; ) {
            int end = Math.min(n, i + CHUNK);
            float part = 0;
            for (; i < end; i++) {
                part += DeepSeekModel.fixedExp(logits[i] - max);
            }
            sum += part;
        }
        return logits[token] - (double) max - Math.log(sum);
    }
}
