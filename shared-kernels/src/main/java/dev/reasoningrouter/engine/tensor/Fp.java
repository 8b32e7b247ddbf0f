package dev.reasoningrouter.engine.tensor;

/** Conversions between float32 and the 16- and 8-bit float encodings weights use. */
public final class Fp {
    private Fp() {}

    private static final float[] E4M3 = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            int sign = (b >> 7) & 1;
            int exp = (b >> 3) & 0xF;
            int man = b & 7;
            float v;
            if (exp == 0xF && man == 7) {
                v = Float.NaN; // E4M3FN has no infinities; S.1111.111 is NaN
            } else if (exp == 0) {
                v = man / 8.0f * (float) Math.pow(2, -6);
            } else {
                v = (1 + man / 8.0f) * (float) Math.pow(2, exp - 7);
            }
            E4M3[b] = sign == 1 ? -v : v;
        }
    }

    public static float f16ToF32(short h) {
        return Float.float16ToFloat(h);
    }

    public static short f32ToF16(float f) {
        return Float.floatToFloat16(f);
    }

    public static float bf16ToF32(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }

    /** Round to nearest even, as torch does. */
    public static short f32ToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) 0x7FC0;
        }
        int rounding = 0x7FFF + ((bits >> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public static float e4m3ToF32(byte b) {
        return E4M3[b & 0xFF];
    }

    /** Nearest E4M3FN value (saturating at +-448). */
    public static byte f32ToE4m3(float f) {
        if (Float.isNaN(f)) {
            return 0x7F;
        }
        int signBit = f < 0 ? 0x80 : 0;
        float a = Math.abs(f);
        // positive finite codes 0x00..0x7E increase monotonically: binary search the nearest
        int lo = 0, hi = 0x7E;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (E4M3[mid] < a) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int best = lo;
        if (lo > 0 && Math.abs(E4M3[lo - 1] - a) <= Math.abs(E4M3[lo] - a)) {
            best = lo - 1;
        }
        return (byte) (best | signBit);
    }
}
