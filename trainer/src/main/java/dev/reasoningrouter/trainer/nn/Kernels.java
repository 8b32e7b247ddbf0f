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

    /** Softmax of {@code v[off .. off + n)} in place: {@code exp(v - max) / sum}. */
    static void softmax(float[] v, int off, int n) {
        double sum = sumExp(v, off, n, max(v, off, n), v);
        scale(v, off, n, (float) (1.0 / sum));
    }

    /**
     * Cross-entropy of the row {@code logits[off .. off + n)} against {@code target}; with a non-zero {@code scale}
     * also writes {@code scale * (softmax - onehot)} into {@code grad[off ..]}.
     */
    static double crossEntropy(float[] logits, int off, int n, int target, float[] grad, float scale) {
        float max = max(logits, off, n);
        double lse = max + Math.log(sumExp(logits, off, n, max, null));
        if (scale != 0f) {
            sumExp(logits, off, n, (float) lse, grad);
            scale(grad, off, n, scale);
            grad[off + target] -= scale;
        }
        return lse - logits[off + target];
    }

    private static float max(float[] v, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, v[off + i]);
        }
        return max;
    }

    /** {@code sum(exp(v - shift))} over {@code v[off .. off + n)}; with {@code out}, each exp is also written there. */
    private static double sumExp(float[] v, int off, int n, float shift, float[] out) {
        FloatVector sv = FloatVector.broadcast(F, shift);
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector e = FloatVector.fromArray(F, v, off + i).sub(sv).lanewise(VectorOperators.EXP);
            if (out != null) {
                e.intoArray(out, off + i);
            }
            acc = acc.add(e);
        }
        double sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(v[off + i] - shift);
            if (out != null) {
                out[off + i] = e;
            }
            sum += e;
        }
        return sum;
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
