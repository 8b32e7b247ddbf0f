package dev.reasoningrouter.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Encodes float32 rows into the weight types, in llama.cpp's block layouts (used by {@code synth}).
 * The quantisers are the plain round-to-nearest kind, without llama.cpp's error-minimising search.
 */
public final class Quantize {
    private Quantize() {}

    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    /** Encodes {@code n} values from {@code src[off..]} to {@code dst} at byte {@code pos}. FP8 is not handled here. */
    public static void encode(GgmlType type, float[] src, int off, int n, MemorySegment dst, long pos) {
        switch (type) {
            case F32 -> MemorySegment.copy(src, off, dst, ValueLayout.JAVA_FLOAT_UNALIGNED, pos, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst.set(I16, pos + 2L * i, Fp.f32ToF16(src[off + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst.set(I16, pos + 2L * i, Fp.f32ToBf16(src[off + i]));
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    q80Block(src, off + 32 * b, dst, pos + 34L * b);
                }
            }
            case Q4_0, Q5_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    legacyBlock(type, src, off + 32 * b, dst, pos + (long) type.blockBytes() * b);
                }
            }
            case Q4_K -> {
                for (int b = 0; b < n / 256; b++) {
                    q4kBlock(src, off + 256 * b, dst, pos + 144L * b);
                }
            }
            case Q6_K -> {
                for (int b = 0; b < n / 256; b++) {
                    q6kBlock(src, off + 256 * b, dst, pos + 210L * b);
                }
            }
            case FP8_E4M3_B128 -> throw new IllegalArgumentException("FP8 needs block scales: use encodeFp8");
        }
    }

    static void q80Block(float[] x, int o, MemorySegment dst, long p) {
        float amax = 0;
        for (int i = 0; i < 32; i++) {
            amax = Math.max(amax, Math.abs(x[o + i]));
        }
        float d = amax / 127f;
        float id = d == 0 ? 0 : 1 / d;
        dst.set(I16, p, Fp.f32ToF16(d));
        for (int i = 0; i < 32; i++) {
            dst.set(ValueLayout.JAVA_BYTE, p + 2 + i, (byte) Math.round(x[o + i] * id));
        }
    }

    /** Q4_0/Q5_0 as llama.cpp's reference quantiser: the value of largest magnitude maps to the most negative level. */
    static void legacyBlock(GgmlType type, float[] x, int o, MemorySegment dst, long p) {
        float amax = 0, max = 0;
        for (int i = 0; i < 32; i++) {
            if (Math.abs(x[o + i]) > amax) {
                amax = Math.abs(x[o + i]);
                max = x[o + i];
            }
        }
        int levels = type == GgmlType.Q4_0 ? 8 : 16;
        float d = max / -levels;
        float id = d == 0 ? 0 : 1 / d;
        dst.set(I16, p, Fp.f32ToF16(d));
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int x0 = Math.min(2 * levels - 1, (int) (x[o + j] * id + levels + 0.5f));
            int x1 = Math.min(2 * levels - 1, (int) (x[o + j + 16] * id + levels + 0.5f));
            if (type == GgmlType.Q4_0) {
                dst.set(ValueLayout.JAVA_BYTE, p + 2 + j, (byte) (x0 | (x1 << 4)));
            } else {
                dst.set(ValueLayout.JAVA_BYTE, p + 6 + j, (byte) ((x0 & 0xF) | ((x1 & 0xF) << 4)));
                qh |= ((x0 & 0x10) >> 4) << j;
                qh |= ((x1 & 0x10) >> 4) << (j + 16);
            }
        }
        if (type == GgmlType.Q5_0) {
            dst.set(ValueLayout.JAVA_INT_UNALIGNED, p + 2, qh);
        }
    }

    static void q4kBlock(float[] x, int o, MemorySegment dst, long p) {
        float[] scale = new float[8];
        float[] min = new float[8];
        for (int j = 0; j < 8; j++) {
            float lo = 0, hi = 0;
            for (int i = 0; i < 32; i++) {
                float v = x[o + 32 * j + i];
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            scale[j] = (hi - lo) / 15f;
            min[j] = -lo;
        }
        float maxScale = 0, maxMin = 0;
        for (int j = 0; j < 8; j++) {
            maxScale = Math.max(maxScale, scale[j]);
            maxMin = Math.max(maxMin, min[j]);
        }
        float d = Fp.f16ToF32(Fp.f32ToF16(maxScale / 63f));
        float dmin = Fp.f16ToF32(Fp.f32ToF16(maxMin / 63f));
        int[] sc = new int[8];
        int[] mn = new int[8];
        for (int j = 0; j < 8; j++) {
            sc[j] = d == 0 ? 0 : Math.min(63, Math.round(scale[j] / d));
            mn[j] = dmin == 0 ? 0 : Math.min(63, Math.round(min[j] / dmin));
        }
        dst.set(I16, p, Fp.f32ToF16(d));
        dst.set(I16, p + 2, Fp.f32ToF16(dmin));
        byte[] packed = new byte[12];
        for (int j = 0; j < 4; j++) {
            packed[j] = (byte) ((sc[j] & 63) | ((sc[j + 4] >> 4) << 6));
            packed[j + 4] = (byte) ((mn[j] & 63) | ((mn[j + 4] >> 4) << 6));
            packed[j + 8] = (byte) ((sc[j + 4] & 0xF) | ((mn[j + 4] & 0xF) << 4));
        }
        MemorySegment.copy(packed, 0, dst, ValueLayout.JAVA_BYTE, p + 4, 12);
        int[] q = new int[256];
        for (int j = 0; j < 8; j++) {
            float ds = d * sc[j];
            float m = dmin * mn[j];
            for (int i = 0; i < 32; i++) {
                int v = ds == 0 ? 0 : Math.round((x[o + 32 * j + i] + m) / ds);
                q[32 * j + i] = Math.max(0, Math.min(15, v));
            }
        }
        for (int j = 0; j < 4; j++) {
            for (int l = 0; l < 32; l++) {
                dst.set(ValueLayout.JAVA_BYTE, p + 16 + 32L * j + l, (byte) (q[64 * j + l] | (q[64 * j + 32 + l] << 4)));
            }
        }
    }

    static void q6kBlock(float[] x, int o, MemorySegment dst, long p) {
        float[] scale = new float[16];
        float maxScale = 0;
        for (int k = 0; k < 16; k++) {
            float amax = 0;
            for (int i = 0; i < 16; i++) {
                amax = Math.max(amax, Math.abs(x[o + 16 * k + i]));
            }
            scale[k] = amax / 31f;
            maxScale = Math.max(maxScale, scale[k]);
        }
        float d = Fp.f16ToF32(Fp.f32ToF16(maxScale / 127f));
        int[] u = new int[256];
        for (int k = 0; k < 16; k++) {
            int sc = d == 0 ? 0 : Math.min(127, Math.round(scale[k] / d));
            dst.set(ValueLayout.JAVA_BYTE, p + 192 + k, (byte) sc);
            float ds = d * sc;
            for (int i = 0; i < 16; i++) {
                int v = ds == 0 ? 0 : Math.round(x[o + 16 * k + i] / ds);
                u[16 * k + i] = Math.max(-32, Math.min(31, v)) + 32;
            }
        }
        dst.set(I16, p + 208, Fp.f32ToF16(d));
        for (int n = 0; n < 2; n++) {
            for (int l = 0; l < 32; l++) {
                int u1 = u[128 * n + l], u2 = u[128 * n + l + 32], u3 = u[128 * n + l + 64], u4 = u[128 * n + l + 96];
                dst.set(ValueLayout.JAVA_BYTE, p + 64L * n + l, (byte) ((u1 & 0xF) | ((u3 & 0xF) << 4)));
                dst.set(ValueLayout.JAVA_BYTE, p + 64L * n + l + 32, (byte) ((u2 & 0xF) | ((u4 & 0xF) << 4)));
                dst.set(ValueLayout.JAVA_BYTE, p + 128 + 32L * n + l,
                        (byte) ((u1 >> 4) | ((u2 >> 4) << 2) | ((u3 >> 4) << 4) | ((u4 >> 4) << 6)));
            }
        }
    }

    /**
     * FP8 E4M3 with 128x128 block scales, as DeepSeek-V3 ships: returns the float32 scale_inv grid
     * (ceil(rows/128) x ceil(cols/128)) and writes one byte per weight to {@code dst} at {@code pos}.
     */
    public static float[] encodeFp8(float[] w, int rows, int cols, MemorySegment dst, long pos) {
        int br = (rows + 127) / 128, bc = (cols + 127) / 128;
        float[] scaleInv = new float[br * bc];
        for (int i = 0; i < br; i++) {
            for (int j = 0; j < bc; j++) {
                float amax = 0;
                for (int r = i * 128; r < Math.min(rows, i * 128 + 128); r++) {
                    for (int c = j * 128; c < Math.min(cols, j * 128 + 128); c++) {
                        amax = Math.max(amax, Math.abs(w[r * cols + c]));
                    }
                }
                float s = amax == 0 ? 1f : amax / 448f;
                scaleInv[i * bc + j] = s;
                for (int r = i * 128; r < Math.min(rows, i * 128 + 128); r++) {
                    for (int c = j * 128; c < Math.min(cols, j * 128 + 128); c++) {
                        dst.set(ValueLayout.JAVA_BYTE, pos + (long) r * cols + c, Fp.f32ToE4m3(w[r * cols + c] / s));
                    }
                }
            }
        }
        return scaleInv;
    }
}
