package dev.reasoningrouter.trainer.nn;

/**
 * RMSNorm over rows: {@code y = x / sqrt(mean(x^2) + eps) * w}, computed as the engine computes it (float sums, the
 * inverse root in double, then float), with its backward pass. Rows may be strided (the latent is the first part of
 * a wider row).
 */
final class RmsNorm {
    private RmsNorm() {}

    static void forward(float[] x, int xStride, int n, int dim, float[] w, float eps, float[] y, int yStride, float[] rstd) {
        for (int i = 0; i < n; i++) {
            int xo = i * xStride, yo = i * yStride;
            float ss = Kernels.dot(x, xo, x, xo, dim);
            float inv = (float) (1.0 / Math.sqrt(ss / dim + eps));
            rstd[i] = inv;
            for (int j = 0; j < dim; j++) {
                y[yo + j] = x[xo + j] * inv * w[j];
            }
        }
    }

    /**
     * Adds the gradient of the inputs to {@code dx} (or sets it, with {@code accumulate} false) and of the scale to
     * {@code dw}.
     */
    static void backward(float[] x, int xStride, int n, int dim, float[] w, float[] rstd, float[] dy, int dyStride,
                         float[] dx, int dxStride, boolean accumulate, float[] dw) {
        for (int i = 0; i < n; i++) {
            int xo = i * xStride, yo = i * dyStride, dxo = i * dxStride;
            float r = rstd[i];
            double s = 0;
            for (int j = 0; j < dim; j++) {
                float g = dy[yo + j];
                s += (double) g * w[j] * x[xo + j];
                dw[j] += g * x[xo + j] * r;
            }
            float c = (float) (s * r * r * r / dim);
            for (int j = 0; j < dim; j++) {
                float v = r * w[j] * dy[yo + j] - x[xo + j] * c;
                dx[dxo + j] = accumulate ? dx[dxo + j] + v : v;
            }
        }
    }
}
