package dev.reasoningrouter.engine.model;

/**
 * Rotary position embedding for the decoupled rope part of MLA, with YaRN frequency scaling. Rotation is over
 * adjacent pairs (x[2i], x[2i+1]), llama.cpp's "normal" rope mode that its deepseek2 graph uses; this is the same
 * as Hugging Face's DeepSeek code, which de-interleaves before its rotate-half. Tables grow with the position.
 * Public so that the trainer rotates exactly as the engine does (and back-propagates through {@link #applyInverse}).
 */
public final class RotaryEmbedding {
    private final int half;
    private final double[] invFreq;
    private float[] cos = new float[0];
    private float[] sin = new float[0];
    private int positions;

    public RotaryEmbedding(ModelConfig c) {
        int dim = c.qkRopeHeadDim();
        this.half = dim / 2;
        this.invFreq = new double[half];
        double base = c.ropeTheta();
        for (int i = 0; i < half; i++) {
            invFreq[i] = Math.pow(base, -2.0 * i / dim);
        }
        if (c.ropeScalingFactor() > 1) {
            double low = Math.floor(correctionDim(c.yarnBetaFast(), dim, base, c.ropeOriginalContext()));
            double high = Math.ceil(correctionDim(c.yarnBetaSlow(), dim, base, c.ropeOriginalContext()));
            low = Math.max(low, 0);
            high = Math.min(high, dim - 1);
            if (high == low) {
                high += 0.001;
            }
            for (int i = 0; i < half; i++) {
                double ramp = Math.min(1, Math.max(0, (i - low) / (high - low)));
                double extrapolated = invFreq[i];
                double interpolated = extrapolated / c.ropeScalingFactor();
                // ramp 0: high-frequency dims keep their trained frequency; ramp 1: low ones are interpolated
                invFreq[i] = interpolated * ramp + extrapolated * (1 - ramp);
            }
        }
    }

    /** YaRN: the dimension whose wavelength fits {@code rotations} turns into the original context. */
    static double correctionDim(double rotations, int dim, double base, int originalContext) {
        return dim * Math.log(originalContext / (rotations * 2 * Math.PI)) / (2 * Math.log(base));
    }

    /** Makes the tables cover positions {@code 0 .. n-1}. */
    public synchronized void ensure(int n) {
        if (n <= positions) {
            return;
        }
        int cap = Math.max(n, positions * 2);
        float[] c2 = new float[cap * half];
        float[] s2 = new float[cap * half];
        System.arraycopy(cos, 0, c2, 0, positions * half);
        System.arraycopy(sin, 0, s2, 0, positions * half);
        for (int p = positions; p < cap; p++) {
            for (int i = 0; i < half; i++) {
                double theta = p * invFreq[i];
                c2[p * half + i] = (float) Math.cos(theta);
                s2[p * half + i] = (float) Math.sin(theta);
            }
        }
        cos = c2;
        sin = s2;
        positions = cap;
    }

    /** Rotates {@code v[off .. off + 2*half)} in place for position {@code pos} (call {@link #ensure} first). */
    public void apply(float[] v, int off, int pos) {
        rotate(v, off, pos, 1f);
    }

    /**
     * Rotates back by the same angle (call {@link #ensure} first): the inverse of {@link #apply}, which for a rotation
     * is also its transpose, so it turns a gradient with respect to the rotated vector into one with respect to the input.
     */
    public void applyInverse(float[] v, int off, int pos) {
        rotate(v, off, pos, -1f);
    }

    /** Rotation by the position's angles, or (direction -1) by their negatives. */
    private void rotate(float[] v, int off, int pos, float direction) {
        int t = pos * half;
        for (int i = 0; i < half; i++) {
            float c = cos[t + i];
            float s = direction * sin[t + i];
            float x0 = v[off + 2 * i];
            float x1 = v[off + 2 * i + 1];
            v[off + 2 * i] = x0 * c - x1 * s;
            v[off + 2 * i + 1] = x0 * s + x1 * c;
        }
    }
}
