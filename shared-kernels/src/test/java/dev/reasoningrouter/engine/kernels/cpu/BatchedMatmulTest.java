package dev.reasoningrouter.engine.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.engine.generate.LogSoftmax;
import dev.reasoningrouter.engine.tensor.Dequant;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tensor.Quantize;
import dev.reasoningrouter.engine.tensor.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Batched matrix products (continuous batching's decode step) against one row at a time and a double reference. */
class BatchedMatmulTest {

    private static WeightMatrix q80(Arena arena, int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        MemorySegment data = arena.allocate(GgmlType.Q8_0.bytesFor(cols) * rows);
        for (int r = 0; r < rows; r++) {
            Quantize.encode(GgmlType.Q8_0, w, r * cols, cols, data, r * GgmlType.Q8_0.bytesFor(cols));
        }
        return WeightMatrix.of("w", GgmlType.Q8_0, rows, cols, data);
    }

    private static float[][] inputs(int n, int cols, long seed) {
        Random rnd = new Random(seed);
        float[][] x = new float[n][cols];
        for (float[] row : x) {
            for (int i = 0; i < cols; i++) {
                row[i] = (float) rnd.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void everyBatchSizeGivesEachRowBitForBitWhatItGetsAlone() {
        // 5 blocks per row: an odd count exercises the kernels' single-block tail
        try (Arena arena = Arena.ofShared(); CpuBackend backend = new CpuBackend(2)) {
            WeightMatrix w = q80(arena, 67, 160, 1);
            float[][] x = inputs(11, 160, 2);
            float[][] alone = new float[11][67];
            for (int i = 0; i < 11; i++) {
                backend.matmul(w, new float[][] {x[i]}, new float[][] {alone[i]}, 1);
            }
            for (int n = 2; n <= 11; n++) {
                float[][] y = new float[n][67];
                backend.matmul(w, x, y, n);
                for (int i = 0; i < n; i++) {
                    assertThat(y[i]).as("batch %d, row %d", n, i).containsExactly(alone[i]);
                }
            }
        }
    }

    @Test
    void batchedProductsMatchADoubleReferenceOfTheDequantisedWeights() {
        try (Arena arena = Arena.ofShared(); CpuBackend backend = new CpuBackend(2)) {
            WeightMatrix w = q80(arena, 33, 256, 3);
            float[][] x = inputs(6, 256, 4);
            float[][] y = new float[6][33];
            backend.matmul(w, x, y, 6);
            float[] row = new float[256];
            for (int r = 0; r < 33; r++) {
                Dequant.row(w, r, row, 0);
                for (int i = 0; i < 6; i++) {
                    double ref = 0;
                    for (int c = 0; c < 256; c++) {
                        ref += (double) row[c] * x[i][c];
                    }
                    assertThat((double) y[i][r]).as("row %d, input %d", r, i).isCloseTo(ref, org.assertj.core.api.Assertions.within(1e-3));
                }
            }
        }
    }

    @Test
    void logSoftmaxMatchesADoubleReferenceOverALargeVocabulary() {
        Random rnd = new Random(5);
        float[] logits = new float[129_280 + 3]; // DeepSeek-V3's vocabulary plus a vector tail
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (rnd.nextGaussian() * 4);
        }
        logits[77] = 30f;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        for (int token : new int[] {0, 77, 1000, logits.length - 1}) {
            double ref = logits[token] - max - Math.log(sum);
            assertThat(LogSoftmax.at(logits, token)).as("token %d", token).isCloseTo(ref, org.assertj.core.api.Assertions.within(1e-5));
        }
    }
}
