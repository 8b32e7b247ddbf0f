package dev.reasoningrouter.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Scalar decoding of weight rows to float32, following llama.cpp's block layouts exactly. */
public final class Dequant {
    private Dequant() {}

    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** Decodes row {@code row} of {@code w} into {@code out[off .. off + cols)}. */
    public static void row(WeightMatrix w, int row, float[] out, int off) {
        range(w, row, 0, w.cols(), out, off);
    }

    /**
     * Decodes columns {@code [c0, c0 + n)} of row {@code row}; for block types {@code c0} and {@code n}
     * must be multiples of the block size.
     */
    public static void range(WeightMatrix w, int row, int c0, int n, float[] out, int off) {
        MemorySegment s = w.data();
        long base = row * w.rowBytes();
        switch (w.type()) {
            case F32 -> MemorySegment.copy(s, F32, base + 4L * c0, out, off, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[off + i] = Fp.f16ToF32(s.get(I16, base + 2L * (c0 + i)));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[off + i] = Fp.bf16ToF32(s.get(I16, base + 2L * (c0 + i)));
                }
            }
            case FP8_E4M3_B128 -> {
                for (int i = 0; i < n; i++) {
                    int c = c0 + i;
                    out[off + i] = Fp.e4m3ToF32(s.get(ValueLayout.JAVA_BYTE, base + c)) * w.fp8Scale(row, c);
                }
            }
            case Q8_0 -> {
                for (int b = c0 / 32; b < (c0 + n) / 32; b++) {
                    long p = base + 34L * b;
                    float d = Fp.f16ToF32(s.get(I16, p));
                    int o = off + b * 32 - c0;
                    for (int i = 0; i < 32; i++) {
                        out[o + i] = d * s.get(ValueLayout.JAVA_BYTE, p + 2 + i);
                    }
                }
            }
            case Q4_0 -> {
                for (int b = c0 / 32; b < (c0 + n) / 32; b++) {
                    long p = base + 18L * b;
                    float d = Fp.f16ToF32(s.get(I16, p));
                    int o = off + b * 32 - c0;
                    for (int j = 0; j < 16; j++) {
                        int q = s.get(ValueLayout.JAVA_BYTE, p + 2 + j) & 0xFF;
                        out[o + j] = d * ((q & 0xF) - 8);
                        out[o + j + 16] = d * ((q >> 4) - 8);
                    }
                }
            }
            case Q5_0 -> {
                for (int b = c0 / 32; b < (c0 + n) / 32; b++) {
                    long p = base + 22L * b;
                    float d = Fp.f16ToF32(s.get(I16, p));
                    int qh = s.get(ValueLayout.JAVA_INT_UNALIGNED, p + 2);
                    int o = off + b * 32 - c0;
                    for (int j = 0; j < 16; j++) {
                        int q = s.get(ValueLayout.JAVA_BYTE, p + 6 + j) & 0xFF;
                        int x0 = (q & 0xF) | (((qh >>> j) << 4) & 0x10);
                        int x1 = (q >> 4) | ((qh >>> (j + 12)) & 0x10);
                        out[o + j] = d * (x0 - 16);
                        out[o + j + 16] = d * (x1 - 16);
                    }
                }
            }
            case Q4_K -> {
                for (int b = c0 / 256; b < (c0 + n) / 256; b++) {
                    q4kBlock(s, base + 144L * b, out, off + b * 256 - c0);
                }
            }
            case Q6_K -> {
                for (int b = c0 / 256; b < (c0 + n) / 256; b++) {
                    q6kBlock(s, base + 210L * b, out, off + b * 256 - c0);
                }
            }
        }
    }

    /** Q4_K's 6-bit scale and min of sub-block j (0..7), packed as llama.cpp's get_scale_min_k4. */
    static int q4kScale(MemorySegment s, long scales, int j) {
        if (j < 4) {
            return s.get(ValueLayout.JAVA_BYTE, scales + j) & 63;
        }
        return (s.get(ValueLayout.JAVA_BYTE, scales + j + 4) & 0xF) | (((s.get(ValueLayout.JAVA_BYTE, scales + j - 4) & 0xFF) >> 6) << 4);
    }

    static int q4kMin(MemorySegment s, long scales, int j) {
        if (j < 4) {
            return s.get(ValueLayout.JAVA_BYTE, scales + j + 4) & 63;
        }
        return ((s.get(ValueLayout.JAVA_BYTE, scales + j + 4) & 0xFF) >> 4) | (((s.get(ValueLayout.JAVA_BYTE, scales + j) & 0xFF) >> 6) << 4);
    }

    static void q4kBlock(MemorySegment s, long p, float[] out, int o) {
        float d = Fp.f16ToF32(s.get(I16, p));
        float dmin = Fp.f16ToF32(s.get(I16, p + 2));
        long scales = p + 4;
        long qs = p + 16;
        for (int j = 0; j < 4; j++) {
            float d1 = d * q4kScale(s, scales, 2 * j);
            float m1 = dmin * q4kMin(s, scales, 2 * j);
            float d2 = d * q4kScale(s, scales, 2 * j + 1);
            float m2 = dmin * q4kMin(s, scales, 2 * j + 1);
            for (int l = 0; l < 32; l++) {
                int q = s.get(ValueLayout.JAVA_BYTE, qs + 32L * j + l) & 0xFF;
                out[o + 64 * j + l] = d1 * (q & 0xF) - m1;
                out[o + 64 * j + 32 + l] = d2 * (q >> 4) - m2;
            }
        }
    }

    static void q6kBlock(MemorySegment s, long p, float[] out, int o) {
        long ql = p;
        long qh = p + 128;
        long sc = p + 192;
        float d = Fp.f16ToF32(s.get(I16, p + 208));
        for (int n = 0; n < 2; n++) {
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int lo0 = s.get(ValueLayout.JAVA_BYTE, ql + 64L * n + l) & 0xFF;
                int lo1 = s.get(ValueLayout.JAVA_BYTE, ql + 64L * n + l + 32) & 0xFF;
                int h = s.get(ValueLayout.JAVA_BYTE, qh + 32L * n + l) & 0xFF;
                int q1 = ((lo0 & 0xF) | (((h >> 0) & 3) << 4)) - 32;
                int q2 = ((lo1 & 0xF) | (((h >> 2) & 3) << 4)) - 32;
                int q3 = ((lo0 >> 4) | (((h >> 4) & 3) << 4)) - 32;
                int q4 = ((lo1 >> 4) | (((h >> 6) & 3) << 4)) - 32;
                long scn = sc + 8L * n;
                int base = o + 128 * n;
                out[base + l] = d * s.get(ValueLayout.JAVA_BYTE, scn + is) * q1;
                out[base + l + 32] = d * s.get(ValueLayout.JAVA_BYTE, scn + is + 2) * q2;
                out[base + l + 64] = d * s.get(ValueLayout.JAVA_BYTE, scn + is + 4) * q3;
                out[base + l + 96] = d * s.get(ValueLayout.JAVA_BYTE, scn + is + 6) * q4;
            }
        }
    }
}
