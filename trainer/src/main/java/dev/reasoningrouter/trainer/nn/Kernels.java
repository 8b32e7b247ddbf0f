package dev.reasoningrouter.trainer.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Small vectorised loops the layers share. */
final class Kernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private Kernels() {}

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /** {@code y[yo..] += alpha * x[xo..]}. */
    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        FloatVector av = FloatVector.broadcast(F, alpha);
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xo + i).fma(av, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    /** {@code y[0..n) += x[0..n)}. */
    static void add(float[] x, float[] y, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, i).add(FloatVector.fromArray(F, y, i)).intoArray(y, i);
        }
        for (; i < n; i++) {
            y[i] += x[i];
        }
    }

    /** SwiGLU: {@code a = silu(g) * u} elementwise, as the engine computes it (vector exp). */
    static void swiglu(float[] g, float[] u, float[] a, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, g, i);
            x.div(x.neg().lanewise(VectorOperators.EXP).add(1f)).mul(FloatVector.fromArray(F, u, i)).intoArray(a, i);
        }
        for (; i < n; i++) {
            float x = g[i];
            a[i] = x / (1f + (float) Math.exp(-x)) * u[i];
        }
    }

    /** The gradients of {@link #swiglu}: {@code dg = da * u * silu'(g)}, {@code du = da * silu(g)}. */
    static void swigluBackward(float[] g, float[] u, float[] da, float[] dg, float[] du, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, g, i);
            FloatVector sig = FloatVector.broadcast(F, 1f).div(x.neg().lanewise(VectorOperators.EXP).add(1f));
            FloatVector d = FloatVector.fromArray(F, da, i);
            d.mul(x.mul(sig)).intoArray(du, i);
            FloatVector one = FloatVector.broadcast(F, 1f);
            d.mul(FloatVector.fromArray(F, u, i)).mul(sig).mul(one.add(x.mul(one.sub(sig)))).intoArray(dg, i);
        }
        for (; i < n; i++) {
            float x = g[i];
            float sig = (float) (1.0 / (1.0 + Math.exp(-x)));
            float d = da[i];
            du[i] = d * x * sig;
            dg[i] = d * u[i] * sig * (1f + x * (1f - sig));
        }
    }

    /**
     * Softmax of {@code v[off .. off + n)} in place, times nothing else: {@code exp(v - max) / sum}.
     */
    static void softmax(float[] v, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, v[off + i]);
        }
        FloatVector mv = FloatVector.broadcast(F, max);
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector e = FloatVector.fromArray(F, v, off + i).sub(mv).lanewise(VectorOperators.EXP);
            e.intoArray(v, off + i);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(v[off + i] - max);
            v[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, v, off + i).mul(inv).intoArray(v, off + i);
        }
        for (; i < n; i++) {
            v[off + i] *= inv;
        }
    }

    /**
     * Cross-entropy of the row {@code logits[off .. off + n)} against {@code target}; with a non-zero {@code scale}
     * also writes {@code scale * (softmax - onehot)} into {@code grad[off ..]}.
     */
    static double crossEntropy(float[] logits, int off, int n, int target, float[] grad, float scale) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[off + i]);
        }
        FloatVector mv = FloatVector.broadcast(F, max);
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            acc = acc.add(FloatVector.fromArray(F, logits, off + i).sub(mv).lanewise(VectorOperators.EXP));
        }
        double sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Math.exp(logits[off + i] - max);
        }
        double lse = max + Math.log(sum);
        if (scale != 0f) {
            FloatVector lv = FloatVector.broadcast(F, (float) lse);
            i = 0;
            for (int bound = F.loopBound(n); i < bound; i += F.length()) {
                FloatVector.fromArray(F, logits, off + i).sub(lv).lanewise(VectorOperators.EXP).mul(scale).intoArray(grad, off + i);
            }
            for (; i < n; i++) {
                grad[off + i] = (float) (Math.exp(logits[off + i] - lse) * scale);
            }
            grad[off + target] -= scale;
        }
        return lse - logits[off + target];
    }

    /** {@code v[off .. off + n) *= s}. */
    static void scale(float[] v, int off, int n, float s) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, v, off + i).mul(s).intoArray(v, off + i);
        }
        for (; i < n; i++) {
            v[off + i] *= s;
        }
    }

    static float[] grow(float[] a, int n) {
        return a != null && a.length >= n ? a : new float[Math.max(n, a == null ? 0 : a.length * 3 / 2)];
    }

    static int[] grow(int[] a, int n) {
        return a != null && a.length >= n ? a : new int[Math.max(n, a == null ? 0 : a.length * 3 / 2)];
    }
}
