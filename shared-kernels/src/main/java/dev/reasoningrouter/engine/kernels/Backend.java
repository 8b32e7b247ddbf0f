package dev.reasoningrouter.engine.kernels;

import dev.reasoningrouter.engine.tensor.WeightMatrix;

/**
 * The compute seam under the model: products of weight matrices (in any stored type) with activations, and a
 * parallel loop for the per-head and per-expert work. The CPU implementation is
 * {@link dev.reasoningrouter.engine.kernels.cpu.CpuBackend}; a CUDA backend implements the same operations with
 * device-resident weights (it may also take over whole forward steps through
 * {@link dev.reasoningrouter.engine.model.InferenceModel}).
 */
public interface Backend extends AutoCloseable {

    /** A short name for reports, e.g. "cpu (2 threads, 512-bit vectors)". */
    String name();

    /** Worker count; task worker ids are in [0, threads()). */
    int threads();

    /**
     * {@code y[i][r] = sum_c W[r][c] * x[i][c]} for {@code i < n}: every weight row is read once for all n inputs,
     * which is what makes batched decode and prefill cheaper than n separate products.
     */
    void matmul(WeightMatrix w, float[][] x, float[][] y, int n);

    /**
     * Several products in one parallel pass (fewer dispatches per token): for each j < count,
     * {@code ys[j][i] = ws[j] * xs[j][i]} for {@code i < ns[j]}. The arrays may be longer than count.
     */
    default void matmulMany(int count, WeightMatrix[] ws, float[][][] xs, float[][][] ys, int[] ns) {
        for (int j = 0; j < count; j++) {
            matmul(ws[j], xs[j], ys[j], ns[j]);
        }
    }

    default void matvec(WeightMatrix w, float[] x, float[] y) {
        matmul(w, new float[][] {x}, new float[][] {y}, 1);
    }

    /** Runs {@code task.run(i, worker)} for every i in [0, n), spread over the workers; returns when all are done. */
    void parallelFor(int n, ParallelTask task);

    /** A worker-private float array of at least {@code length} (grown on demand, reused across calls). */
    float[] scratch(int worker, int slot, int length);

    @Override
    void close();

    @FunctionalInterface
    interface ParallelTask {
        void run(int index, int worker);
    }
}
