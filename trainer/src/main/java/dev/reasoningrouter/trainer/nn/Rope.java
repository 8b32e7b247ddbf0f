package dev.reasoningrouter.trainer.nn;

/**
 * Rotary embedding of the decoupled rope part, over adjacent pairs, with the engine's tables (angle
 * {@code p * base^(-2i/dim)} in double, cos and sin rounded to float) so the trained model and the engine rotate
 * alike. No YaRN scaling (the project's model is trained at its full context).
 */
final class Rope {
    private final int half;
    private final double[] invFreq;
    private float[] cos = new float[0];
    private float[] sin = new float[0];
    private int positions;

    Rope(int dim, double base) {
        this.half = dim / 2;
        this.invFreq = new double[half];
        for (int i = 0; i < half; i++) {
            invFreq[i] = Math.pow(base, -2.0 * i / dim);
        }
    }

    synchronized void ensure(int n) {
        if (n <= positions) {
            return;
        }
        float[] c2 = new float[n * half];
        float[] s2 = new float[n * half];
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < half; i++) {
                double theta = p * invFreq[i];
                c2[p * half + i] = (float) Math.cos(theta);
                s2[p * half + i] = (float) Math.sin(theta);
            }
        }
        sin = s2;
        cos = c2;
        positions = n;
    }

    /** Rotates {@code v[off .. off + 2*half)} for position {@code pos}. */
    void apply(float[] v, int off, int pos) {
        int t = pos * half;
        for (int i = 0; i < half; i++) {
            float c = cos[t + i], s = sin[t + i];
            float x0 = v[off + 2 * i], x1 = v[off + 2 * i + 1];
            v[off + 2 * i] = x0 * c - x1 * s;
            v[off + 2 * i + 1] = x0 * s + x1 * c;
        }
    }

    /** The transpose of {@link #apply}: turns the gradient of the rotated vector into that of the input. */
    void applyBackward(float[] g, int off, int pos) {
        int t = pos * half;
        for (int i = 0; i < half; i++) {
            float c = cos[t + i], s = sin[t + i];
            float y0 = g[off + 2 * i], y1 = g[off + 2 * i + 1];
            g[off + 2 * i] = y0 * c + y1 * s;
            g[off + 2 * i + 1] = -y0 * s + y1 * c;
        }
    }
}
