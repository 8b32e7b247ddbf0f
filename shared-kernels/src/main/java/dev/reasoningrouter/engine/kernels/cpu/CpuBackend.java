package dev.reasoningrouter.engine.kernels.cpu;

import dev.reasoningrouter.engine.kernels.Backend;
import dev.reasoningrouter.engine.tensor.VectorDot;
import dev.reasoningrouter.engine.tensor.WeightMatrix;
import jdk.incubator.vector.FloatVector;

/**
 * The CPU backend: Java Vector API kernels reading weights in place, rows split over all cores. Matrix products
 * reuse one task object and per-worker scratch, so a decode step allocates nothing here.
 *
 * <p>Results do not depend on timing or on the number of threads: every output element is computed whole by one
 * task index (a chunk of rows, a head, an expert's rows), with the same code whichever worker claims the index,
 * and nothing is summed across workers; per-worker scratch only holds values the task writes before it reads them.
 * The row kernels give a row the same bits whether it is computed alone, in a pair ({@link VectorDot#dotPair}) or
 * in a row range, so neither the chunk boundaries (which follow the thread count) nor the other rows of a step
 * (other sequences in a batch) change a row's result.
 */
public final class CpuBackend implements Backend {

    private static final int SLOTS = 6;
    private final WorkerPool pool;
    private final float[][][] scratch;

    // The current matmul, read by the workers (published by the pool's volatile dispatch).
    private WeightMatrix mw;
    private float[][] mx;
    private float[][] my;
    private int mn;
    private int mRowsPerChunk;
    private final ParallelTask matmulTask = this::matmulChunk;

    // the current matmulMany: matrices, their inputs/outputs, and each matrix's first global chunk
    private int manyCount;
    private WeightMatrix[] manyW;
    private float[][][] manyX, manyY;
    private int[] manyN;
    private int[] manyChunkStart = new int[16];
    private int[] manyRowsPerChunk = new int[16];
    private final ParallelTask manyTask = this::manyChunk;

    public CpuBackend(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.pool = new WorkerPool(threads);
        this.scratch = new float[threads][SLOTS][];
        for (int t = 0; t < threads; t++) {
            scratch[t][0] = new float[VectorDot.SCRATCH];
        }
    }

    /** All available processors. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    @Override
    public String name() {
        return "cpu (" + pool.size() + " threads, " + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit vectors)";
    }

    @Override
    public int threads() {
        return pool.size();
    }

    @Override
    public void matmul(WeightMatrix w, float[][] x, float[][] y, int n) {
        if (n == 0) {
            return;
        }
        int rows = w.rows();
        // Enough chunks to balance the workers, each large enough to amortise the claim.
        int chunks = Math.min(rows, pool.size() * 16);
        int perChunk = (rows + chunks - 1) / chunks;
        chunks = (rows + perChunk - 1) / perChunk;
        mw = w;
        mx = x;
        my = y;
        mn = n;
        mRowsPerChunk = perChunk;
        pool.run(chunks, matmulTask);
        mw = null;
        mx = null;
        my = null;
    }

    private void matmulChunk(int chunk, int worker) {
        WeightMatrix w = mw;
        float[][] x = mx;
        float[][] y = my;
        int n = mn;
        int r0 = chunk * mRowsPerChunk;
        int r1 = Math.min(w.rows(), r0 + mRowsPerChunk);
        rows(w, x, y, n, r0, r1, scratch[worker][0]);
    }

    @Override
    public void matmulMany(int count, WeightMatrix[] ws, float[][][] xs, float[][][] ys, int[] ns) {
        if (manyChunkStart.length < count + 1) {
            manyChunkStart = new int[Math.max(count + 1, manyChunkStart.length * 2)];
            manyRowsPerChunk = new int[manyChunkStart.length];
        }
        long totalRows = 0;
        for (int j = 0; j < count; j++) {
            if (ns[j] > 0) {
                totalRows += ws[j].rows();
            }
        }
        if (totalRows == 0) {
            return;
        }
        // about 8 chunks per worker over all rows; each matrix gets whole chunks of its own
        long target = Math.max(16, totalRows / (pool.size() * 16L));
        int chunks = 0;
        for (int j = 0; j < count; j++) {
            manyChunkStart[j] = chunks;
            if (ns[j] > 0) {
                int rows = ws[j].rows();
                int c = (int) Math.max(1, (rows + target - 1) / target);
                manyRowsPerChunk[j] = (rows + c - 1) / c;
                chunks += (rows + manyRowsPerChunk[j] - 1) / manyRowsPerChunk[j];
            }
        }
        manyChunkStart[count] = chunks;
        manyCount = count;
        manyW = ws;
        manyX = xs;
        manyY = ys;
        manyN = ns;
        pool.run(chunks, manyTask);
        manyW = null;
        manyX = null;
        manyY = null;
    }

    private void manyChunk(int chunk, int worker) {
        int j = 0;
        while (manyChunkStart[j + 1] <= chunk) {
            j++;
        }
        WeightMatrix w = manyW[j];
        float[][] x = manyX[j];
        float[][] y = manyY[j];
        int n = manyN[j];
        int r0 = (chunk - manyChunkStart[j]) * manyRowsPerChunk[j];
        int r1 = Math.min(w.rows(), r0 + manyRowsPerChunk[j]);
        rows(w, x, y, n, r0, r1, scratch[worker][0]);
    }

    private static void rows(WeightMatrix w, float[][] x, float[][] y, int n, int r0, int r1, float[] s) {
        if (n == 1) {
            // one-token decode: the row-range kernel (no call per row)
            VectorDot.matvec(w, r0, r1, x[0], 0, y[0], r0, s);
            return;
        }
        if (VectorDot.rowTiles(w)) {
            // batched decode and prefill: each weight block widened once for four input rows
            // (a tile short of four rows repeats the last row: the same inputs give the same value, written twice)
            int last = n - 1;
            for (int r = r0; r < r1; r++) {
                for (int i = 0; i < n; i += 4) {
                    int i1 = Math.min(i + 1, last), i2 = Math.min(i + 2, last), i3 = Math.min(i + 3, last);
                    VectorDot.dotQ80Rows4(w, r, x[i], x[i1], x[i2], x[i3], y[i], y[i1], y[i2], y[i3], r);
                }
            }
            return;
        }
        int r = r0;
        // two rows per pass pays in prefill (several x rows); measured slower than the above for one-token decode
        if (n > 1 && VectorDot.pairs(w)) {
            for (; r + 1 < r1; r += 2) {
                for (int i = 0; i < n; i++) {
                    VectorDot.dotPair(w, r, x[i], 0, y[i], r);
                }
            }
        }
        for (; r < r1; r++) {
            for (int i = 0; i < n; i++) {
                y[i][r] = VectorDot.dot(w, r, x[i], 0, s);
            }
        }
    }

    @Override
    public void parallelFor(int n, ParallelTask task) {
        pool.run(n, task);
    }

    @Override
    public float[] scratch(int worker, int slot, int length) {
        int idx = slot + 1; // slot 0 of the table is the dot kernels' own
        if (idx >= SLOTS) {
            throw new IllegalArgumentException("scratch slot " + slot + " out of range 0.." + (SLOTS - 2));
        }
        float[] a = scratch[worker][idx];
        if (a == null || a.length < length) {
            a = new float[Math.max(length, a == null ? 0 : a.length * 2)];
            scratch[worker][idx] = a;
        }
        return a;
    }

    @Override
    public void close() {
        pool.close();
    }
}
