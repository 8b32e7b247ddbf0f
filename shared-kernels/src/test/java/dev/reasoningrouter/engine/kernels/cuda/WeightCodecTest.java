package dev.reasoningrouter.engine.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** CPU-side checks of the reference layouts the GPU tests compare against: byte-exact cases and round trips. */
class WeightCodecTest {

    @ParameterizedTest
    @EnumSource(CudaWeightType.class)
    void roundTripStaysWithinTheTypesResolution(CudaWeightType type) {
        int rows = 130, cols = 512;  // 130 rows: two FP8 row blocks, the second partial
        float[] w = gaussian(rows * cols, 0.05f, new Random(7));
        byte[] enc = WeightCodec.encode(type, w, rows, cols);
        assertThat((long) enc.length).isEqualTo(rows * type.rowBytes(cols));
        float[] scales = type.hasBlockScales() ? WeightCodec.fp8Scales(w, rows, cols) : null;
        float[] dec = WeightCodec.decodeAll(type, enc, rows, cols, scales);
        double err = 0, ref = 0;
        for (int i = 0; i < w.length; i++) { err += sq(dec[i] - w[i]); ref += sq(w[i]); }
        double rel = Math.sqrt(err / ref);
        double bound = switch (type) {
            case F32 -> 0;
            case F16 -> 1e-3;
            case BF16 -> 5e-3;
            case Q8_0 -> 0.01;
            case FP8_E4M3 -> 0.04;
            case Q6_K -> 0.05;
            case Q4_K -> 0.12;
        };
        assertThat(rel).as("relative RMS error of %s", type).isLessThanOrEqualTo(bound);
        if (type != CudaWeightType.F32) assertThat(rel).as("%s is lossy", type).isGreaterThan(0);
    }

    @Test
    void q8_0BlockIsScaleThenSignedBytes() {
        byte[] row = new byte[34];
        short half = Float.floatToFloat16(0.5f);
        row[0] = (byte) half;
        row[1] = (byte) (half >> 8);
        for (int l = 0; l < 32; l++) row[2 + l] = (byte) (l - 16);
        float[] y = WeightCodec.decodeRow(CudaWeightType.Q8_0, row, 0, 32, null);
        for (int l = 0; l < 32; l++) assertThat(y[l]).isEqualTo(0.5f * (l - 16));
    }

    @Test
    void q4kUnpacksHighSubBlockScalesFromTheUpperBits() {
        byte[] blk = new byte[144];
        put16(blk, 0, Float.floatToFloat16(1f));   // d
        put16(blk, 2, Float.floatToFloat16(0.5f)); // dmin
        // sub-block 5: scale = (scales[9] & 0xF) | (scales[1] >> 6) << 4, min = (scales[9] >> 4) | (scales[5] >> 6) << 4
        blk[4 + 9] = (byte) 0x73;                  // scale low 3, min low 7
        blk[4 + 1] = (byte) (0b10 << 6);           // scale high 2 -> 3 + 32 = 35
        blk[4 + 5] = (byte) (0b01 << 6);           // min high 1   -> 7 + 16 = 23
        blk[16 + 64 + 10] = (byte) 0x90;           // chunk 2, l = 10: high nibble 9 -> element 64*2 + 32 + 10 (sub-block 5)
        float[] y = new float[256];
        WeightCodec.decodeQ4K(blk, 0, y, 0);
        assertThat(y[64 * 2 + 32 + 10]).isEqualTo(1f * 35 * 9 - 0.5f * 23);
        assertThat(y[64 * 2 + 32 + 11]).isEqualTo(-0.5f * 23);
        int[] sm0 = WeightCodec.q4kScaleMin(blk, 4, 1);  // sub-block 1: the low 6 bits of scales[1], scales[5]
        assertThat(sm0).containsExactly(0, 0);
    }

    @Test
    void q6kCombinesLowNibblesWithHighBitPairs() {
        byte[] blk = new byte[210];
        put16(blk, 208, Float.floatToFloat16(0.25f));
        blk[192 + 8 + 4] = 3;                    // half 1, is = 0, quarter 2 -> scales[8 + 0 + 4]
        blk[64 + 5] = (byte) 0xA0;               // ql[64 + 5] high nibble = 0xA (quarter 2 of half 1, l = 5)
        blk[128 + 32 + 5] = (byte) (0b11 << 4);  // qh bits 4..5 = 3
        float[] y = new float[256];
        WeightCodec.decodeQ6K(blk, 0, y, 0);
        assertThat(y[128 + 64 + 5]).isEqualTo(0.25f * 3 * ((0xA | (3 << 4)) - 32));
    }

    @Test
    void fp8E4m3DecodesTheOcpFnVariant() {
        assertThat(WeightCodec.fp8Decode((byte) 0x38)).isEqualTo(1f);
        assertThat(WeightCodec.fp8Decode((byte) 0x7E)).isEqualTo(448f);
        assertThat(WeightCodec.fp8Decode((byte) 0x01)).isEqualTo(0x1p-9f);
        assertThat(WeightCodec.fp8Decode((byte) 0xC0)).isEqualTo(-2f);
        assertThat(WeightCodec.fp8Decode((byte) 0x7F)).isNaN();
        assertThat(WeightCodec.fp8Encode(1000f)).isEqualTo((byte) 0x7E);
        assertThat(WeightCodec.fp8Decode(WeightCodec.fp8Encode(0.3f))).isCloseTo(0.3f, within(0.3f / 16));
    }

    @Test
    void fp8ScalesAreBlockAmaxOver448() {
        int rows = 200, cols = 300;
        float[] w = new float[rows * cols];
        w[5 * cols + 7] = 4.48f;        // block (0,0)
        w[150 * cols + 290] = -8.96f;   // block (1,2)
        float[] s = WeightCodec.fp8Scales(w, rows, cols);
        assertThat(s).hasSize(2 * 3);
        assertThat(s[0]).isCloseTo(0.01f, within(1e-7f));
        assertThat(s[5]).isCloseTo(0.02f, within(1e-7f));
        assertThat(s[1]).isEqualTo(1f);  // an all-zero block keeps scale 1
    }

    @Test
    void typesRefuseColumnCountsTheirBlocksDoNotDivide() {
        assertThat(CudaWeightType.Q4_K.rowBytes(512)).isEqualTo(288);
        assertThat(CudaWeightType.Q6_K.rowBytes(256)).isEqualTo(210);
        assertThat(CudaWeightType.Q8_0.rowBytes(64)).isEqualTo(68);
        assertThat(CudaWeightType.FP8_E4M3.scaleCount(129, 128)).isEqualTo(2);
        assertThatThrownBy(() -> CudaWeightType.Q4_K.rowBytes(100)).hasMessageContaining("multiple of 256");
        assertThatThrownBy(() -> CudaWeightType.Q8_0.rowBytes(0)).hasMessageContaining("cols=0");
    }

    static float[] gaussian(int n, float sigma, Random rnd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * sigma);
        return v;
    }

    private static void put16(byte[] b, int at, short v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
    }

    private static double sq(double v) { return v * v; }
}
