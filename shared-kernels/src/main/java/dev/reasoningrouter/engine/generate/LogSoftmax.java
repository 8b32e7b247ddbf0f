package dev.reasoningrouter.engine.generate;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The log-probability of one token under a row of logits: sampling's logprobs and perplexity share it. */
public final class LogSoftmax {
    private LogSoftmax() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Elements summed in float lanes before the partial sum joins the double total: bounds the float rounding. */
    private static final int CHUNK = 1024;

    /**
     * {@code log softmax(logits)[token]}, computed stably (shifted by the row's maximum). Vectorised: a decode step
     * calls this once per sequence over the whole vocabulary (128k entries for DeepSeek-V3), and a scalar
     * {@code Math.exp} loop cost as much as the step's matrix products in batched decode. Lanes are added in index
     * order, never with {@code reduceLanes}, so the result is the same compiled or interpreted.
     */
    public static double at(float[] logits, int token) {
        int n = logits.length;
        int lanes = F.length();
        int vEnd = F.loopBound(n);
        float[] lane = new float[lanes];
        FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < vEnd; i += lanes) {
            vmax = vmax.max(FloatVector.fromArray(F, logits, i));
        }
        vmax.intoArray(lane, 0);
        float max = Float.NEGATIVE_INFINITY;
        for (float v : lane) {
            max = Math.max(max, v);
        }
        for (int i = vEnd; i < n; i++) {
            max = Math.max(max, logits[i]);
        }
        FloatVector shift = FloatVector.broadcast(F, max);
        double sum = 0;
        int i = 0;
        while (i < vEnd) {
            int end = Math.min(vEnd, i + CHUNK);
            FloatVector acc = FloatVector.zero(F);
            for (; i < end; i += lanes) {
                acc = acc.add(FloatVector.fromArray(F, logits, i).sub(shift).lanewise(VectorOperators.EXP));
            }
            acc.intoArray(lane, 0);
            for (float v : lane) {
                sum += v;
            }
        }
        for (; i < n; i++) {
            sum += Math.exp(logits[i] - max);
        }
        return logits[token] - (double) max - Math.log(sum);
    }
}
