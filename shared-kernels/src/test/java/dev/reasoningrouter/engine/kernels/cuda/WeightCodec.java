package dev.reasoningrouter.engine.kernels.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Test-side reference for the weight layouts: an encoder (to make random quantised test data) and a plain
 * dequantiser for each type, written from ggml's block definitions (ggml-common.h) and DeepSeek-V3's FP8 scheme.
 * The encoders are our own simple ones (not ggml's search-based quantisers); the decoders define the layout.
 */
final class WeightCodec {

    private WeightCodec() {}

    /** Encodes a rows x cols matrix (row-major) in {@code type}'s row layout. FP8 scales come from {@link #fp8Scales}. */
    static byte[] encode(CudaWeightType type, float[] w, int rows, int cols) {
        long rb = type.rowBytes(cols);
        ByteBuffer out = ByteBuffer.allocate((int) (rb * rows)).order(ByteOrder.LITTLE_ENDIAN);
        float[] scales = type == CudaWeightType.FP8_E4M3 ? fp8Scales(w, rows, cols) : null;
        for (int r = 0; r < rows; r++) {
            out.position((int) (r * rb));
            int base = r * cols;
            switch (type) {
                case F32 -> { for (int c = 0; c < cols; c++) out.putFloat(w[base + c]); }
                case F16 -> { for (int c = 0; c < cols; c++) out.putShort(Float.floatToFloat16(w[base + c])); }
                case BF16 -> { for (int c = 0; c < cols; c++) out.putShort(bf16(w[base + c])); }
                case Q8_0 -> { for (int b = 0; b < cols / 32; b++) encodeQ8_0(w, base + 32 * b, out); }
                case Q4_K -> { for (int b = 0; b < cols / 256; b++) encodeQ4K(w, base + 256 * b, out); }
                case Q6_K -> { for (int b = 0; b < cols / 256; b++) encodeQ6K(w, base + 256 * b, out); }
                case FP8_E4M3 -> {
                    int sc = (cols + 127) / 128;
                    for (int c = 0; c < cols; c++) out.put(fp8Encode(w[base + c] / scales[(r / 128) * sc + c / 128]));
                }
            }
        }
        return out.array();
    }

    /** DeepSeek-V3 style scales: amax of each 128x128 block / 448 ({@code weight_scale_inv}). */
    static float[] fp8Scales(float[] w, int rows, int cols) {
        int sr = (rows + 127) / 128, sc = (cols + 127) / 128;
        float[] s = new float[sr * sc];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) {
                int i = (r / 128) * sc + c / 128;
                s[i] = Math.max(s[i], Math.abs(w[r * cols + c]));
            }
        for (int i = 0; i < s.length; i++) s[i] = s[i] == 0 ? 1f : s[i] / 448f;
        return s;
    }

    /** Dequantises row {@code r}. {@code scales} is used for FP8 only. */
    static float[] decodeRow(CudaWeightType type, byte[] data, int r, int cols, float[] scales) {
        long rb = type.rowBytes(cols);
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int off = (int) (r * rb);
        float[] y = new float[cols];
        switch (type) {
            case F32 -> { for (int c = 0; c < cols; c++) y[c] = in.getFloat(off + 4 * c); }
            case F16 -> { for (int c = 0; c < cols; c++) y[c] = Float.float16ToFloat(in.getShort(off + 2 * c)); }
            case BF16 -> { for (int c = 0; c < cols; c++) y[c] = Float.intBitsToFloat((in.getShort(off + 2 * c) & 0xffff) << 16); }
            case Q8_0 -> {
                for (int b = 0; b < cols / 32; b++) {
                    int p = off + 34 * b;
                    float d = Float.float16ToFloat(in.getShort(p));
                    for (int l = 0; l < 32; l++) y[32 * b + l] = d * data[p + 2 + l];
                }
            }
            case Q4_K -> { for (int b = 0; b < cols / 256; b++) decodeQ4K(data, off + 144 * b, y, 256 * b); }
            case Q6_K -> { for (int b = 0; b < cols / 256; b++) decodeQ6K(data, off + 210 * b, y, 256 * b); }
            case FP8_E4M3 -> {
                int sc = (cols + 127) / 128;
                for (int c = 0; c < cols; c++) y[c] = fp8Decode(data[off + c]) * scales[(r / 128) * sc + c / 128];
            }
        }
        return y;
    }

    static float[] decodeAll(CudaWeightType type, byte[] data, int rows, int cols, float[] scales) {
        float[] w = new float[rows * cols];
        for (int r = 0; r < rows; r++) System.arraycopy(decodeRow(type, data, r, cols, scales), 0, w, r * cols, cols);
        return w;
    }

    // ---- BF16

    static short bf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int rounding = ((bits >>> 16) & 1) + 0x7FFF;
        return (short) ((bits + rounding) >>> 16);
    }

    // ---- Q8_0: amax / 127 scale, round to nearest

    private static void encodeQ8_0(float[] x, int at, ByteBuffer out) {
        float amax = 0;
        for (int l = 0; l < 32; l++) amax = Math.max(amax, Math.abs(x[at + l]));
        short dh = Float.floatToFloat16(amax / 127f);
        float d = Float.float16ToFloat(dh);
        out.putShort(dh);
        for (int l = 0; l < 32; l++) out.put((byte) (d == 0 ? 0 : clamp(Math.round(x[at + l] / d), -127, 127)));
    }

    // ---- Q4_K: x = d*sc_j*q - dmin*m_j, sub-blocks of 32, 6-bit sc/m packed as in ggml's get_scale_min_k4

    private static void encodeQ4K(float[] x, int at, ByteBuffer out) {
        float[] scale = new float[8], min = new float[8];
        for (int j = 0; j < 8; j++) {
            float mn = Float.MAX_VALUE, mx = -Float.MAX_VALUE;
            for (int l = 0; l < 32; l++) { mn = Math.min(mn, x[at + 32 * j + l]); mx = Math.max(mx, x[at + 32 * j + l]); }
            min[j] = Math.max(0, -mn);
            scale[j] = (mx + min[j]) / 15f;
        }
        float maxScale = 0, maxMin = 0;
        for (int j = 0; j < 8; j++) { maxScale = Math.max(maxScale, scale[j]); maxMin = Math.max(maxMin, min[j]); }
        short dh = Float.floatToFloat16(maxScale / 63f), mh = Float.floatToFloat16(maxMin / 63f);
        float d = Float.float16ToFloat(dh), dmin = Float.float16ToFloat(mh);
        int[] sc = new int[8], m = new int[8];
        for (int j = 0; j < 8; j++) {
            sc[j] = d == 0 ? 0 : clamp(Math.round(scale[j] / d), 0, 63);
            m[j] = dmin == 0 ? 0 : clamp(Math.round(min[j] / dmin), 0, 63);
        }
        byte[] packed = new byte[12];
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                packed[j] |= (byte) sc[j];
                packed[j + 4] |= (byte) m[j];
            } else {
                packed[j + 4] = (byte) ((sc[j] & 0xF) | ((m[j] & 0xF) << 4));
                packed[j - 4] |= (byte) ((sc[j] >> 4) << 6);
                packed[j] |= (byte) ((m[j] >> 4) << 6);
            }
        }
        int[] q = new int[256];
        for (int j = 0; j < 8; j++) {
            float ds = d * sc[j], dm = dmin * m[j];
            for (int l = 0; l < 32; l++) q[32 * j + l] = ds == 0 ? 0 : clamp(Math.round((x[at + 32 * j + l] + dm) / ds), 0, 15);
        }
        out.putShort(dh).putShort(mh).put(packed);
        for (int c = 0; c < 4; c++)
            for (int l = 0; l < 32; l++) out.put((byte) (q[64 * c + l] | (q[64 * c + 32 + l] << 4)));
    }

    static int[] q4kScaleMin(byte[] data, int scalesAt, int j) {
        int qj = data[scalesAt + j] & 0xff, qj4 = data[scalesAt + j + 4] & 0xff;
        if (j < 4) return new int[] {qj & 63, qj4 & 63};
        int qjm4 = data[scalesAt + j - 4] & 0xff;
        return new int[] {(qj4 & 0xF) | ((qjm4 >> 6) << 4), (qj4 >> 4) | ((qj >> 6) << 4)};
    }

    static void decodeQ4K(byte[] data, int p, float[] y, int at) {
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        float d = Float.float16ToFloat(in.getShort(p)), dmin = Float.float16ToFloat(in.getShort(p + 2));
        for (int c = 0; c < 4; c++) {
            int[] a = q4kScaleMin(data, p + 4, 2 * c), b = q4kScaleMin(data, p + 4, 2 * c + 1);
            for (int l = 0; l < 32; l++) {
                int q = data[p + 16 + 32 * c + l] & 0xff;
                y[at + 64 * c + l] = d * a[0] * (q & 0xF) - dmin * a[1];
                y[at + 64 * c + 32 + l] = d * b[0] * (q >> 4) - dmin * b[1];
            }
        }
    }

    // ---- Q6_K: x = d * sc_j * (q - 32), sub-blocks of 16, ql/qh split as in ggml

    private static void encodeQ6K(float[] x, int at, ByteBuffer out) {
        float[] s = new float[16];
        float maxS = 0;
        for (int j = 0; j < 16; j++) {
            for (int l = 0; l < 16; l++) s[j] = Math.max(s[j], Math.abs(x[at + 16 * j + l]));
            s[j] /= 31f;
            maxS = Math.max(maxS, s[j]);
        }
        short dh = Float.floatToFloat16(maxS / 127f);
        float d = Float.float16ToFloat(dh);
        byte[] sc = new byte[16];
        int[] L = new int[256];
        for (int j = 0; j < 16; j++) {
            sc[j] = (byte) (d == 0 ? 0 : clamp(Math.round(s[j] / d), -128, 127));
            float ds = d * sc[j];
            for (int l = 0; l < 16; l++) L[16 * j + l] = (ds == 0 ? 0 : clamp(Math.round(x[at + 16 * j + l] / ds), -32, 31)) + 32;
        }
        byte[] ql = new byte[128], qh = new byte[64];
        for (int n = 0; n < 2; n++)
            for (int l = 0; l < 32; l++) {
                int q1 = L[128 * n + l], q2 = L[128 * n + l + 32], q3 = L[128 * n + l + 64], q4 = L[128 * n + l + 96];
                ql[64 * n + l] = (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4));
                ql[64 * n + l + 32] = (byte) ((q2 & 0xF) | ((q4 & 0xF) << 4));
                qh[32 * n + l] = (byte) ((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
            }
        out.put(ql).put(qh).put(sc).putShort(dh);
    }

    static void decodeQ6K(byte[] data, int p, float[] y, int at) {
        float d = Float.float16ToFloat((short) ((data[p + 208] & 0xff) | (data[p + 209] << 8)));
        for (int n = 0; n < 2; n++)
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int a = data[p + 64 * n + l] & 0xff, b = data[p + 64 * n + l + 32] & 0xff, h = data[p + 128 + 32 * n + l] & 0xff;
                int sc0 = data[p + 192 + 8 * n + is], sc2 = data[p + 192 + 8 * n + is + 2];
                int sc4 = data[p + 192 + 8 * n + is + 4], sc6 = data[p + 192 + 8 * n + is + 6];
                y[at + 128 * n + l] = d * sc0 * (((a & 0xF) | ((h & 3) << 4)) - 32);
                y[at + 128 * n + l + 32] = d * sc2 * (((b & 0xF) | (((h >> 2) & 3) << 4)) - 32);
                y[at + 128 * n + l + 64] = d * sc4 * (((a >> 4) | (((h >> 4) & 3) << 4)) - 32);
                y[at + 128 * n + l + 96] = d * sc6 * (((b >> 4) | (((h >> 6) & 3) << 4)) - 32);
            }
    }

    // ---- FP8 E4M3 ("fn": bias 7, no infinities, S.1111.111 is NaN, max 448)

    static float fp8Decode(byte v) {
        int b = v & 0xff, s = b >> 7, e = (b >> 3) & 0xF, m = b & 7;
        float mag;
        if (e == 15 && m == 7) return Float.NaN;
        mag = e == 0 ? (m / 8f) * 0x1p-6f : (1 + m / 8f) * (float) Math.pow(2, e - 7);
        return s == 1 ? -mag : mag;
    }

    /** Nearest E4M3 value (ties to even mantissa), saturating at 448. */
    static byte fp8Encode(float x) {
        if (Float.isNaN(x)) return 0x7F;
        float a = Math.min(Math.abs(x), 448f);
        int best = 0;
        float bestErr = Float.MAX_VALUE;
        for (int code = 0; code < 0x7F; code++) {
            float err = Math.abs(fp8Decode((byte) code) - a);
            if (err < bestErr || (err == bestErr && (code & 1) == 0)) { bestErr = err; best = code; }
        }
        return (byte) (x < 0 ? best | 0x80 : best);
    }

    private static int clamp(int v, int lo, int hi) { return Math.max(lo, Math.min(hi, v)); }
}
