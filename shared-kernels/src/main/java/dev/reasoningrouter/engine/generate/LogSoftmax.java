package dev.reasoningrouter.engine.generate;

import dev.reasoningrouter.engine.tensor.FixedExp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The log-probability of one token under a row of logits: sampling's logprobs and perplexity share it. */
public final class LogSoftmax {
    private LogSoftmax() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Terms summed in float lanes before they join the double total: bounds the float rounding. */
    private static final int CHUNK = 1024;

    /**
     * {@code log softmax(logits)[token]}, computed stably (shifted by the row's maximum). A decode step calls this once
     * per sequence over the whole vocabulary (129k entries for DeepSeek-V3), where a {@code Math.exp} per entry cost
     * as much as the step's matrix products in batched decode. So the maximum is found with vectors, and e^x comes
     * from {@link FixedExp}'s float arithmetic (about 1 ulp, and the same bits compiled or interpreted,
     * unlike {@code Math.exp}'s intrinsic or the Vector API's EXP); vector lanes, each chunk's lanes then added in index order.
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
        int i = 0;
        while (i < vEnd) {
            int end = Math.min(vEnd, i + CHUNK);
            FloatVector acc = FloatVector.zero(F);
            for (; i < end; i += lanes) {
                // FixedExp.exp, lane by lane (spelled out: a vector passed to a call C2 does not inline would be boxed)
                FloatVector x = FloatVector.fromArray(F, logits, i).sub(max).max(-87f).min(88f);
                FloatVector t = x.fma(FixedExp.LOG2E, FixedExp.ROUND);
                FloatVector k = t.sub(FixedExp.ROUND);
                FloatVector r = k.lanewise(VectorOperators.FMA, -FixedExp.LN2_HI, x);
                r = k.lanewise(VectorOperators.FMA, -FixedExp.LN2_LO, r);
                FloatVector p = r.fma(1f / 5040, 1f / 720);
                p = p.lanewise(VectorOperators.FMA, r, 1f / 120);
                p = p.lanewise(VectorOperators.FMA, r, 1f / 24);
                p = p.lanewise(VectorOperators.FMA, r, 1f / 6);
                p = p.lanewise(VectorOperators.FMA, r, 0.5f);
                p = p.lanewise(VectorOperators.FMA, r, 1f);
                p = p.lanewise(VectorOperators.FMA, r, 1f);
                FloatVector twoK = t.reinterpretAsInts().sub(FixedExp.ROUND_BITS - 127)
                        .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                acc = acc.add(p.mul(twoK));
            }
            for (int l = 0; l < lanes; l++) {
                sum += acc.lane(l); // lanes in index order: the same bits in every execution mode
            }
        }
        for (; i < n; i++) {
            sum += FixedExp.exp(logits[i] - max);
        }
        return logits[token] - (double) max - Math.log(sum);
    }
}
