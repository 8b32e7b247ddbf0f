package dev.reasoningrouter.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Block layouts, round-trip error of each type, and the fused Vector API dot against scalar decoding. */
class QuantTest {

    static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** Documented error bounds: relative RMS error of a round trip on Gaussian weights. */
    @ParameterizedTest
    @CsvSource({"F32,0", "F16,0.001", "BF16,0.005", "Q8_0,0.01", "Q6_K,0.04", "Q4_K,0.12", "Q5_0,0.06", "Q4_0,0.12"})
    void roundTripErrorAndFusedDotStayWithinBounds(String typeName, double maxRelRms) {
        GgmlType t = GgmlType.valueOf(typeName);
        int rows = 8, cols = 512;
        float[] w = gaussian(rows * cols, 1);
        MemorySegment seg = MemorySegment.ofArray(new byte[(int) t.bytesFor((long) rows * cols)]);
        for (int r = 0; r < rows; r++) {
            Quantize.encode(t, w, r * cols, cols, seg, r * t.bytesFor(cols));
        }
        WeightMatrix m = WeightMatrix.of("w", t, rows, cols, seg);
        float[] back = new float[rows * cols];
        double err = 0, norm = 0;
        for (int r = 0; r < rows; r++) {
            Dequant.row(m, r, back, r * cols);
        }
        for (int i = 0; i < w.length; i++) {
            err += (back[i] - w[i]) * (back[i] - w[i]);
            norm += w[i] * w[i];
        }
        double relRms = Math.sqrt(err / norm);
        System.out.printf("%s round-trip relative RMS error %.2e%n", t, relRms);
        assertThat(relRms).isLessThanOrEqualTo(maxRelRms);
        if (t.quantized()) {
            assertThat(relRms).isGreaterThan(0); // the test can tell quantised from exact
        }
        float[] x = gaussian(cols, 2);
        float[] scratch = new float[VectorDot.SCRATCH];
        for (int r = 0; r < rows; r++) {
            double ref = 0, mag = 0;
            for (int c = 0; c < cols; c++) {
                ref += (double) back[r * cols + c] * x[c];
                mag += Math.abs(back[r * cols + c] * x[c]);
            }
            assertThat((double) VectorDot.dot(m, r, x, 0, scratch)).isCloseTo(ref, org.assertj.core.data.Offset.offset(1e-5 * mag));
        }
        if (VectorDot.pairs(m)) {
            // the two-row kernel gives each row what the one-row kernel gives it
            float[] y = new float[rows];
            for (int r = 0; r + 1 < rows; r += 2) {
                VectorDot.dotPair(m, r, x, 0, y, r);
                assertThat(y[r]).isCloseTo(VectorDot.dot(m, r, x, 0, scratch), org.assertj.core.data.Offset.offset(1e-4f));
                assertThat(y[r + 1]).isCloseTo(VectorDot.dot(m, r + 1, x, 0, scratch), org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }

    /** The row-range mat-vec (one loop over Q8_0 rows) gives every row what the one-row dot gives it. */
    @ParameterizedTest
    @CsvSource({"Q8_0,32", "Q8_0,64", "Q8_0,96", "Q8_0,256", "Q4_K,512", "F32,48"})
    void matvecOverARowRangeMatchesRowByRowDots(String typeName, int cols) {
        GgmlType t = GgmlType.valueOf(typeName);
        int rows = 21;
        float[] w = gaussian(rows * cols, 3);
        MemorySegment seg = MemorySegment.ofArray(new byte[(int) t.bytesFor((long) rows * cols)]);
        for (int r = 0; r < rows; r++) {
            Quantize.encode(t, w, r * cols, cols, seg, r * t.bytesFor(cols));
        }
        WeightMatrix m = WeightMatrix.of("w", t, rows, cols, seg);
        float[] x = new float[cols + 5];
        System.arraycopy(gaussian(cols, 4), 0, x, 5, cols);
        float[] scratch = new float[VectorDot.SCRATCH];
        for (int[] range : new int[][] {{0, rows}, {3, 17}, {20, 21}}) {
            float[] y = new float[rows + 3];
            VectorDot.matvec(m, range[0], range[1], x, 5, y, 2, scratch);
            for (int r = range[0]; r < range[1]; r++) {
                float want = VectorDot.dot(m, r, x, 5, scratch);
                assertThat(y[2 + r - range[0]]).as("%s x %d, rows [%d,%d), row %d", t, cols, range[0], range[1], r)
                        .isCloseTo(want, org.assertj.core.data.Offset.offset(1e-4f * (1 + Math.abs(want))));
            }
            assertThat(y[1]).isZero();
            assertThat(y[2 + range[1] - range[0]]).isZero();
        }
    }

    @Test
    void q8_0BlockLayoutIsScaleThenSignedQuants() {
        byte[] b = new byte[34];
        MemorySegment s = MemorySegment.ofArray(b);
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, Fp.f32ToF16(0.5f));
        for (int i = 0; i < 32; i++) {
            b[2 + i] = (byte) (i - 16);
        }
        float[] out = new float[32];
        Dequant.row(WeightMatrix.of("q", GgmlType.Q8_0, 1, 32, s), 0, out, 0);
        for (int i = 0; i < 32; i++) {
            assertThat(out[i]).isEqualTo(0.5f * (i - 16));
        }
    }

    @Test
    void q5_0BlockLayoutPutsHighBitsInAWord() {
        byte[] b = new byte[22];
        MemorySegment s = MemorySegment.ofArray(b);
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, Fp.f32ToF16(2f));
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int x0 = j * 2, x1 = 31 - j; // 5-bit values
            b[6 + j] = (byte) ((x0 & 0xF) | ((x1 & 0xF) << 4));
            qh |= ((x0 >> 4) & 1) << j;
            qh |= ((x1 >> 4) & 1) << (j + 16);
        }
        s.set(ValueLayout.JAVA_INT_UNALIGNED, 2, qh);
        float[] out = new float[32];
        Dequant.row(WeightMatrix.of("q", GgmlType.Q5_0, 1, 32, s), 0, out, 0);
        for (int j = 0; j < 16; j++) {
            assertThat(out[j]).isEqualTo(2f * (j * 2 - 16));
            assertThat(out[j + 16]).isEqualTo(2f * (31 - j - 16));
        }
    }

    @Test
    void q4_kBlockLayoutFollowsLlamaCpp() {
        // sub-block j gets scale j+1 and min j (6-bit, packed as in llama.cpp's get_scale_min_k4)
        byte[] b = new byte[144];
        MemorySegment s = MemorySegment.ofArray(b);
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, Fp.f32ToF16(1.0f));   // d
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, Fp.f32ToF16(0.25f));  // dmin
        int[] sc = {1, 2, 3, 4, 5, 6, 7, 8};
        int[] mn = {0, 1, 2, 3, 4, 5, 6, 7};
        for (int j = 0; j < 4; j++) {
            b[4 + j] = (byte) sc[j];
            b[4 + j + 4] = (byte) mn[j];
            b[4 + j + 8] = (byte) ((sc[j + 4] & 0xF) | ((mn[j + 4] & 0xF) << 4));
        }
        // nibbles: low nibble of byte l in chunk c is element 64c + l, high nibble is 64c + 32 + l
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                b[16 + 32 * c + l] = (byte) ((l % 16) | ((15 - l % 16) << 4));
            }
        }
        float[] out = new float[256];
        Dequant.row(WeightMatrix.of("q", GgmlType.Q4_K, 1, 256, s), 0, out, 0);
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                int lo = 2 * c, hi = 2 * c + 1;
                assertThat(out[64 * c + l]).isEqualTo(1.0f * sc[lo] * (l % 16) - 0.25f * mn[lo]);
                assertThat(out[64 * c + 32 + l]).isEqualTo(1.0f * sc[hi] * (15 - l % 16) - 0.25f * mn[hi]);
            }
        }
    }

    @Test
    void q6_kBlockLayoutFollowsLlamaCpp() {
        byte[] b = new byte[210];
        MemorySegment s = MemorySegment.ofArray(b);
        // element e: 6-bit value u(e) = e % 64, scale index e / 16 with scale (k - 8)
        int[] u = new int[256];
        for (int e = 0; e < 256; e++) {
            u[e] = (e * 7) % 64;
        }
        for (int n = 0; n < 2; n++) {
            for (int l = 0; l < 32; l++) {
                int u1 = u[128 * n + l], u2 = u[128 * n + l + 32], u3 = u[128 * n + l + 64], u4 = u[128 * n + l + 96];
                b[64 * n + l] = (byte) ((u1 & 0xF) | ((u3 & 0xF) << 4));
                b[64 * n + l + 32] = (byte) ((u2 & 0xF) | ((u4 & 0xF) << 4));
                b[128 + 32 * n + l] = (byte) ((u1 >> 4) | ((u2 >> 4) << 2) | ((u3 >> 4) << 4) | ((u4 >> 4) << 6));
            }
        }
        for (int k = 0; k < 16; k++) {
            b[192 + k] = (byte) (k - 8);
        }
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 208, Fp.f32ToF16(0.5f));
        float[] out = new float[256];
        Dequant.row(WeightMatrix.of("q", GgmlType.Q6_K, 1, 256, s), 0, out, 0);
        for (int e = 0; e < 256; e++) {
            assertThat(out[e]).isEqualTo(0.5f * (e / 16 - 8) * (u[e] - 32));
        }
    }

    @Test
    void fp8BlockScalesApplyPer128x128Block() {
        int rows = 200, cols = 300;
        float[] w = gaussian(rows * cols, 5);
        for (int i = 0; i < w.length; i++) {
            w[i] *= (i / cols >= 128 ? 50 : 1); // a second row block with a much larger range
        }
        MemorySegment seg = MemorySegment.ofArray(new byte[rows * cols]);
        float[] scales = Quantize.encodeFp8(w, rows, cols, seg, 0);
        assertThat(scales).hasSize(2 * 3);
        WeightMatrix m = new WeightMatrix("w", GgmlType.FP8_E4M3_B128, rows, cols, seg, MemorySegment.ofArray(scales), 0);
        float[] row = new float[cols];
        double err = 0, norm = 0;
        for (int r = 0; r < rows; r++) {
            Dequant.row(m, r, row, 0);
            for (int c = 0; c < cols; c++) {
                err += Math.pow(row[c] - w[r * cols + c], 2);
                norm += Math.pow(w[r * cols + c], 2);
            }
        }
        assertThat(Math.sqrt(err / norm)).isLessThan(0.06);
        // a view over rows 150.. reads the second block row's scales
        WeightMatrix view = m.rowRange(150, 10);
        Dequant.row(view, 0, row, 0);
        assertThat((double) row[0]).isCloseTo(w[150 * cols], org.assertj.core.data.Offset.offset(0.1 * Math.abs(w[150 * cols]) + 1e-3));
    }

    @Test
    void e4m3AndBf16Conversions() {
        assertThat(Fp.e4m3ToF32((byte) 0x38)).isEqualTo(1.0f);   // exponent 7 = bias, mantissa 0
        assertThat(Fp.e4m3ToF32((byte) 0x7E)).isEqualTo(448f);   // largest finite
        assertThat(Fp.e4m3ToF32((byte) 0xB8)).isEqualTo(-1.0f);
        assertThat(Fp.e4m3ToF32((byte) 0x01)).isEqualTo((float) Math.pow(2, -9)); // smallest subnormal
        assertThat(Fp.f32ToE4m3(1000f)).isEqualTo((byte) 0x7E);  // saturates
        assertThat(Fp.bf16ToF32(Fp.f32ToBf16(1.00390625f))).isEqualTo(1.0f); // ties to even
    }
}
