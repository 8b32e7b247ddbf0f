package dev.reasoningrouter.engine.tensor;

/**
 * e^x from IEEE add, multiply and fma only, so that it gives the same bits compiled or interpreted, in vector lanes
 * or one float at a time. {@code Math.exp} is an intrinsic once C2 compiles it, and the Vector API's
 * {@code lanewise(EXP)} only bounds its error and differs between C2 and the interpreter: either made the logits (and
 * log-probs) depend on how warm the JIT was.
 *
 * <p>The vector kernels that use it (SwiGLU's gate in {@code DeepSeekModel}, {@code LogSoftmax}) spell its operations
 * out lane by lane on these constants rather than call a vector form: a vector passed to a call that C2 does not inline
 * is boxed, and a decode step then allocates ({@code DeterminismTest} checks that it does not).
 *
 * <p>Method: x = k ln2 + r with k = round(x log2 e) and |r| <= ln2/2, e^r from its Taylor series to r^7 (truncation
 * error below 6e-9 relative), then 2^k put straight into the exponent bits. x is clamped to [-87, 88] so that 2^k
 * stays a normal float. About 1 ulp from the true value.
 */
public final class FixedExp {
    private FixedExp() {}

    public static final float LOG2E = 1.44269504f;
    /** 1.5 * 2^23: adding it to a float of magnitude below 2^22 rounds that to an integer, kept in the low bits. */
    public static final float ROUND = 12582912f;
    public static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    /** ln 2 split in two: HI has few significant bits, so k * HI is exact for the k that occur (|k| <= 127). */
    public static final float LN2_HI = 0.693359375f;
    public static final float LN2_LO = -2.12194440e-4f;

    /** e^x on one float. */
    public static float exp(float x) {
        x = Math.min(Math.max(x, -87f), 88f);
        float t = Math.fma(x, LOG2E, ROUND);
        float k = t - ROUND;
        float r = Math.fma(k, -LN2_HI, x);
        r = Math.fma(k, -LN2_LO, r);
        float p = Math.fma(r, 1f / 5040, 1f / 720);
        p = Math.fma(p, r, 1f / 120);
        p = Math.fma(p, r, 1f / 24);
        p = Math.fma(p, r, 1f / 6);
        p = Math.fma(p, r, 0.5f);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(t) - (ROUND_BITS - 127)) << 23);
    }
}
