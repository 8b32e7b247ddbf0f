package dev.reasoningrouter.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused dequantise-and-dot of one weight row with an activation vector, read straight from the
 * (memory-mapped) weight bytes with the Vector API. F32, BF16 and Q8_0 decode in vector registers;
 * F16, Q4_K, Q6_K and FP8 decode a block at a time into a small per-thread scratch array and dot that.
 *
 * <p>Every horizontal sum goes through {@link #sumLanes}, a fixed pairwise tree, never
 * {@code reduceLanes(ADD)}: the Vector API lets that add the lanes in any order, and it does add them in one order
 * when C2 has compiled the caller and in another when the code is interpreted or C1-compiled, so the same input
 * gave logits that differed by a few ulp depending on how warm the JIT was.
 */
public final class VectorDot {
    private VectorDot() {}

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /**
     * The machine's preferred float species, kept between 4 and 16 lanes (128 to 512 bits): the spelled-out lane
     * sums below have steps for up to 16 lanes.
     */
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() > 16 ? FloatVector.SPECIES_512
            : FloatVector.SPECIES_PREFERRED.length() < 4 ? FloatVector.SPECIES_128 : FloatVector.SPECIES_PREFERRED;
    /** 16 floats for Q8_0 when the machine has 512-bit vectors, 8 with 256-bit. */
    private static final int LANES = F.length();
    private static final VectorSpecies<Byte> B_FOR_F = LANES == 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;
    private static final VectorSpecies<Short> S_FOR_F = LANES == 16 ? ShortVector.SPECIES_256 : ShortVector.SPECIES_128;
    private static final VectorSpecies<Integer> I_F = LANES == 16 ? IntVector.SPECIES_512 : IntVector.SPECIES_256;

    // lane permutations for sumLanes: XK exchanges lane i with lane i ^ K (null where K >= LANES; never used then)
    private static final VectorShuffle<Float> X4 = swap(4), X8 = swap(8);

    private static VectorShuffle<Float> swap(int k) {
        return k < LANES ? VectorShuffle.fromOp(F, i -> i ^ k) : null;
    }

    /**
     * The sum of {@code v}'s lanes in a fixed order: a butterfly that adds lane pairs (i, i ^ 8), then (i, i ^ 4),
     * (i, i ^ 2) and (i, i ^ 1) (the steps the vector has lanes for). The last two steps only matter for lane 0 and
     * are done on lanes 0..3 as scalars, {@code (l0 + l2) + (l1 + l3)}: the same additions, cheaper than two more
     * cross-lane permutations (measured: 4-6% less decode CPU time per token on the shipped model). Lane
     * permutations, lanewise and scalar float adds are exact IEEE operations in every execution mode, so the result
     * is the same bits interpreted, C1- or C2-compiled, unlike {@code reduceLanes(ADD)}, whose order is unspecified.
     *
     * <p>The kernels below spell these lines out instead of calling this method: C2 stops inlining ordinary
     * methods once a compilation grows past a node limit (which the dot kernels reach when inlined into their
     * callers), and a vector passed to a call that is not inlined is boxed, an allocation per dot product. The
     * Vector API's own methods are force-inlined, so the spelled-out form is inlined always.
     */
    public static float sumLanes(FloatVector v) {
        v = LANES > 8 ? v.add(v.rearrange(X8)) : v; // sumLanes, spelled out
        v = LANES > 4 ? v.add(v.rearrange(X4)) : v;
        return (v.lane(0) + v.lane(2)) + (v.lane(1) + v.lane(3));
    }

    /** Scratch length callers must provide for the block-decoded types. */
    public static final int SCRATCH = 256;

    /** Row {@code row} of {@code w} dotted with {@code x[xOff .. xOff + cols)}. */
    public static float dot(WeightMatrix w, int row, float[] x, int xOff, float[] scratch) {
        MemorySegment s = w.data();
        long base = row * w.rowBytes();
        int n = w.cols();
        return switch (w.type()) {
            case F32 -> dotF32(s, base, x, xOff, n);
            case BF16 -> dotBf16(s, base, x, xOff, n);
            case Q8_0 -> dotQ80(s, base, x, xOff, n);
            case F16, FP8_E4M3_B128, Q4_0, Q5_0 -> dotByChunks(w, row, x, xOff, n, scratch, 128);
            case Q4_K -> LANES == 16 ? dotQ4K(s, base, x, xOff, n) : dotByChunks(w, row, x, xOff, n, scratch, 256);
            case Q6_K -> LANES == 16 ? dotQ6K(s, base, x, xOff, n) : dotByChunks(w, row, x, xOff, n, scratch, 256);
        };
    }

    private static float dotByChunks(WeightMatrix w, int row, float[] x, int xOff, int n, float[] scratch, int chunk) {
        float sum = 0;
        int c = 0;
        for (; c + chunk <= n; c += chunk) {
            Dequant.range(w, row, c, chunk, scratch, 0);
            sum += dotArrays(scratch, 0, x, xOff + c, chunk);
        }
        if (c < n) {
            Dequant.range(w, row, c, n - c, scratch, 0);
            sum += dotArrays(scratch, 0, x, xOff + c, n - c);
        }
        return sum;
    }

    /** Plain float dot product of two arrays. */
    public static float dotArrays(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += LANES) {
            acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
        }
        acc = LANES > 8 ? acc.add(acc.rearrange(X8)) : acc; // sumLanes, spelled out
        acc = LANES > 4 ? acc.add(acc.rearrange(X4)) : acc;
        float sum = (acc.lane(0) + acc.lane(2)) + (acc.lane(1) + acc.lane(3));
        for (; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /** {@code y[yOff..] += a * x[xOff..]} over n elements. */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        FloatVector av = FloatVector.broadcast(F, a);
        for (int bound = F.loopBound(n); i < bound; i += LANES) {
            FloatVector.fromArray(F, x, xOff + i).fma(av, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }

    static float dotF32(MemorySegment s, long base, float[] x, int xOff, int n) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int i = 0;
        for (int bound = n - 2 * LANES; i <= bound; i += 2 * LANES) {
            acc0 = FloatVector.fromMemorySegment(F, s, base + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
            acc1 = FloatVector.fromMemorySegment(F, s, base + 4L * (i + LANES), LE).fma(FloatVector.fromArray(F, x, xOff + i + LANES), acc1);
        }
        acc0 = acc0.add(acc1);
        acc0 = LANES > 8 ? acc0.add(acc0.rearrange(X8)) : acc0; // sumLanes, spelled out
        acc0 = LANES > 4 ? acc0.add(acc0.rearrange(X4)) : acc0;
        float sum = (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3));
        for (; i < n; i++) {
            sum += s.get(Dequant.F32, base + 4L * i) * x[xOff + i];
        }
        return sum;
    }

    static float dotBf16(MemorySegment s, long base, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += LANES) {
            ShortVector h = ShortVector.fromMemorySegment(S_FOR_F, s, base + 2L * i, LE);
            IntVector bits = (IntVector) h.convertShape(VectorOperators.S2I, I_F, 0);
            FloatVector w = bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            acc = w.fma(FloatVector.fromArray(F, x, xOff + i), acc);
        }
        acc = LANES > 8 ? acc.add(acc.rearrange(X8)) : acc; // sumLanes, spelled out
        acc = LANES > 4 ? acc.add(acc.rearrange(X4)) : acc;
        float sum = (acc.lane(0) + acc.lane(2)) + (acc.lane(1) + acc.lane(3));
        for (; i < n; i++) {
            sum += Fp.bf16ToF32(s.get(Dequant.I16, base + 2L * i)) * x[xOff + i];
        }
        return sum;
    }

    static float dotQ80(MemorySegment s, long base, float[] x, int xOff, int n) {
        if (LANES != 16) {
            return dotQ80Narrow(s, base, x, xOff, n);
        }
        // two blocks per iteration, one accumulator each; a block's scale multiplies its 32-weight partial sum
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int blocks = n / 32;
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            long p = base + 34L * b;
            int xo = xOff + 32 * b;
            FloatVector d0 = FloatVector.broadcast(F, Fp.f16ToF32(s.get(Dequant.I16, p)));
            FloatVector d1 = FloatVector.broadcast(F, Fp.f16ToF32(s.get(Dequant.I16, p + 34)));
            // (no helper methods taking or returning vectors: an un-inlined call would box them)
            FloatVector q0 = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p + 2, LE).castShape(F, 0);
            FloatVector q1 = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p + 18, LE).castShape(F, 0);
            FloatVector q2 = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p + 36, LE).castShape(F, 0);
            FloatVector q3 = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p + 52, LE).castShape(F, 0);
            FloatVector s0 = q0.mul(FloatVector.fromArray(F, x, xo));
            s0 = q1.fma(FloatVector.fromArray(F, x, xo + 16), s0);
            FloatVector s1 = q2.mul(FloatVector.fromArray(F, x, xo + 32));
            s1 = q3.fma(FloatVector.fromArray(F, x, xo + 48), s1);
            acc0 = s0.fma(d0, acc0);
            acc1 = s1.fma(d1, acc1);
        }
        if (b < blocks) {
            long p = base + 34L * b;
            int xo = xOff + 32 * b;
            FloatVector d0 = FloatVector.broadcast(F, Fp.f16ToF32(s.get(Dequant.I16, p)));
            FloatVector q0 = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p + 2, LE).castShape(F, 0);
            FloatVector q1 = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p + 18, LE).castShape(F, 0);
            FloatVector s0 = q0.mul(FloatVector.fromArray(F, x, xo));
            s0 = q1.fma(FloatVector.fromArray(F, x, xo + 16), s0);
            acc0 = s0.fma(d0, acc0);
        }
        acc0 = acc0.add(acc1);
        acc0 = LANES > 8 ? acc0.add(acc0.rearrange(X8)) : acc0; // sumLanes, spelled out
        acc0 = LANES > 4 ? acc0.add(acc0.rearrange(X4)) : acc0;
        return (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3));
    }

    /**
     * {@code y[yOff + i] = row (r0 + i) . x} for the rows {@code [r0, r1)}. Q8_0 with 512-bit vectors calls its kernel
     * directly for each row: for the short rows of MLA's per-head up-projections (2 to 8 blocks) the type switch and
     * matrix lookups of {@link #dot} cost about as much as the row's arithmetic.
     */
    public static void matvec(WeightMatrix w, int r0, int r1, float[] x, int xOff, float[] y, int yOff, float[] scratch) {
        if (w.type() != GgmlType.Q8_0 || LANES != 16) {
            for (int r = r0; r < r1; r++) {
                y[yOff + r - r0] = dot(w, r, x, xOff, scratch);
            }
            return;
        }
        MemorySegment s = w.data();
        long rb = w.rowBytes();
        int n = w.cols();
        for (int r = r0; r < r1; r++) {
            y[yOff + r - r0] = dotQ80(s, r * rb, x, xOff, n);
        }
    }

    /** True when {@link #dotQ80Rows4} serves this matrix: Q8_0 rows with 512-bit vectors. */
    public static boolean rowTiles(WeightMatrix w) {
        return w.type() == GgmlType.Q8_0 && LANES == 16;
    }

    /**
     * Row {@code row} of a Q8_0 matrix dotted with four input rows {@code x0..x3} (at offset 0), into
     * {@code y0[yCol] .. y3[yCol]}. Batched decode is compute-bound on a CPU once the weight row sits in cache: what a
     * row-at-a-time loop repeats per input row is widening the weight bytes to floats, so here each block is widened
     * once and used four times. Each input row is summed in exactly {@link #dotQ80}'s order (block pairs on two
     * accumulators, the block scale applied to each 32-weight partial sum), so a sequence's logits do not depend on
     * which other sequences share its batch. Callers with fewer than four rows repeat the last one.
     */
    public static void dotQ80Rows4(WeightMatrix w, int row, float[] x0, float[] x1, float[] x2, float[] x3,
                                   float[] y0, float[] y1, float[] y2, float[] y3, int yCol) {
        MemorySegment s = w.data();
        long base = row * w.rowBytes();
        int blocks = w.cols() / 32;
        FloatVector a0 = FloatVector.zero(F), b0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F), b1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F), b2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F), b3 = FloatVector.zero(F);
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            long p = base + 34L * b;
            int xo = 32 * b;
            FloatVector d0 = FloatVector.broadcast(F, Fp.f16ToF32(s.get(Dequant.I16, p)));
            FloatVector d1 = FloatVector.broadcast(F, Fp.f16ToF32(s.get(Dequant.I16, p + 34)));
            FloatVector q0 = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p + 2, LE).castShape(F, 0);
            FloatVector q1 = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p + 18, LE).castShape(F, 0);
            FloatVector q2 = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p + 36, LE).castShape(F, 0);
            FloatVector q3 = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p + 52, LE).castShape(F, 0);
            // (written out per input row: vectors in arrays or passed to un-inlined helpers would be boxed)
            a0 = q1.fma(FloatVector.fromArray(F, x0, xo + 16), q0.mul(FloatVector.fromArray(F, x0, xo))).fma(d0, a0);
            b0 = q3.fma(FloatVector.fromArray(F, x0, xo + 48), q2.mul(FloatVector.fromArray(F, x0, xo + 32))).fma(d1, b0);
            a1 = q1.fma(FloatVector.fromArray(F, x1, xo + 16), q0.mul(FloatVector.fromArray(F, x1, xo))).fma(d0, a1);
            b1 = q3.fma(FloatVector.fromArray(F, x1, xo + 48), q2.mul(FloatVector.fromArray(F, x1, xo + 32))).fma(d1, b1);
            a2 = q1.fma(FloatVector.fromArray(F, x2, xo + 16), q0.mul(FloatVector.fromArray(F, x2, xo))).fma(d0, a2);
            b2 = q3.fma(FloatVector.fromArray(F, x2, xo + 48), q2.mul(FloatVector.fromArray(F, x2, xo + 32))).fma(d1, b2);
            a3 = q1.fma(FloatVector.fromArray(F, x3, xo + 16), q0.mul(FloatVector.fromArray(F, x3, xo))).fma(d0, a3);
            b3 = q3.fma(FloatVector.fromArray(F, x3, xo + 48), q2.mul(FloatVector.fromArray(F, x3, xo + 32))).fma(d1, b3);
        }
        if (b < blocks) {
            long p = base + 34L * b;
            int xo = 32 * b;
            FloatVector d0 = FloatVector.broadcast(F, Fp.f16ToF32(s.get(Dequant.I16, p)));
            FloatVector q0 = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p + 2, LE).castShape(F, 0);
            FloatVector q1 = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p + 18, LE).castShape(F, 0);
            a0 = q1.fma(FloatVector.fromArray(F, x0, xo + 16), q0.mul(FloatVector.fromArray(F, x0, xo))).fma(d0, a0);
            a1 = q1.fma(FloatVector.fromArray(F, x1, xo + 16), q0.mul(FloatVector.fromArray(F, x1, xo))).fma(d0, a1);
            a2 = q1.fma(FloatVector.fromArray(F, x2, xo + 16), q0.mul(FloatVector.fromArray(F, x2, xo))).fma(d0, a2);
            a3 = q1.fma(FloatVector.fromArray(F, x3, xo + 16), q0.mul(FloatVector.fromArray(F, x3, xo))).fma(d0, a3);
        }
        // sumLanes spelled out for each row, as dotQ80 does (this kernel only runs with 16 lanes)
        a0 = a0.add(b0);
        a0 = a0.add(a0.rearrange(X8));
        a0 = a0.add(a0.rearrange(X4));
        y0[yCol] = (a0.lane(0) + a0.lane(2)) + (a0.lane(1) + a0.lane(3));
        a1 = a1.add(b1);
        a1 = a1.add(a1.rearrange(X8));
        a1 = a1.add(a1.rearrange(X4));
        y1[yCol] = (a1.lane(0) + a1.lane(2)) + (a1.lane(1) + a1.lane(3));
        a2 = a2.add(b2);
        a2 = a2.add(a2.rearrange(X8));
        a2 = a2.add(a2.rearrange(X4));
        y2[yCol] = (a2.lane(0) + a2.lane(2)) + (a2.lane(1) + a2.lane(3));
        a3 = a3.add(b3);
        a3 = a3.add(a3.rearrange(X8));
        a3 = a3.add(a3.rearrange(X4));
        y3[yCol] = (a3.lane(0) + a3.lane(2)) + (a3.lane(1) + a3.lane(3));
    }

    /** True when {@link #dotPair} serves this matrix: Q8_0 rows with 512-bit vectors. */
    public static boolean pairs(WeightMatrix w) {
        return w.type() == GgmlType.Q8_0 && LANES == 16;
    }

    /**
     * Rows {@code row} and {@code row + 1} of a Q8_0 matrix dotted with {@code x}, into {@code y[yOff]} and
     * {@code y[yOff + 1]}. Each x vector is loaded once for both rows: with 1-byte weights the float x loads,
     * not the weight bytes, are what a single row's loop spends its load slots on.
     *
     * <p>Each row is summed exactly as {@link #dotQ80} sums it (even blocks into one accumulator, odd blocks into
     * another, the same operations per block), so a row's bits do not depend on whether it was computed in a pair
     * or alone: not on how the rows were split into chunks over threads, nor on which other rows shared the step.
     */
    public static void dotPair(WeightMatrix w, int row, float[] x, int xOff, float[] y, int yOff) {
        MemorySegment s = w.data();
        long base0 = row * w.rowBytes();
        long base1 = base0 + w.rowBytes();
        int blocks = w.cols() / 32;
        // accE*/accO*: the even and odd blocks of row 0 and row 1
        FloatVector accE0 = FloatVector.zero(F);
        FloatVector accO0 = FloatVector.zero(F);
        FloatVector accE1 = FloatVector.zero(F);
        FloatVector accO1 = FloatVector.zero(F);
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            long p0 = base0 + 34L * b;
            long p1 = base1 + 34L * b;
            int xo = xOff + 32 * b;
            FloatVector x0 = FloatVector.fromArray(F, x, xo);
            FloatVector x1 = FloatVector.fromArray(F, x, xo + 16);
            FloatVector x2 = FloatVector.fromArray(F, x, xo + 32);
            FloatVector x3 = FloatVector.fromArray(F, x, xo + 48);
            FloatVector a = ((FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p0 + 2, LE).castShape(F, 0)).mul(x0);
            a = ((FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p0 + 18, LE).castShape(F, 0)).fma(x1, a);
            FloatVector c = ((FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p1 + 2, LE).castShape(F, 0)).mul(x0);
            c = ((FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p1 + 18, LE).castShape(F, 0)).fma(x1, c);
            accE0 = a.fma(FloatVector.broadcast(F, Fp.f16ToF32(s.get(Dequant.I16, p0))), accE0);
            accE1 = c.fma(FloatVector.broadcast(F, Fp.f16ToF32(s.get(Dequant.I16, p1))), accE1);
            a = ((FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p0 + 36, LE).castShape(F, 0)).mul(x2);
            a = ((FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p0 + 52, LE).castShape(F, 0)).fma(x3, a);
            c = ((FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p1 + 36, LE).castShape(F, 0)).mul(x2);
            c = ((FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p1 + 52, LE).castShape(F, 0)).fma(x3, c);
            accO0 = a.fma(FloatVector.broadcast(F, Fp.f16ToF32(s.get(Dequant.I16, p0 + 34))), accO0);
            accO1 = c.fma(FloatVector.broadcast(F, Fp.f16ToF32(s.get(Dequant.I16, p1 + 34))), accO1);
        }
        if (b < blocks) {
            long p0 = base0 + 34L * b;
            long p1 = base1 + 34L * b;
            int xo = xOff + 32 * b;
            FloatVector x0 = FloatVector.fromArray(F, x, xo);
            FloatVector x1 = FloatVector.fromArray(F, x, xo + 16);
            FloatVector a = ((FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p0 + 2, LE).castShape(F, 0)).mul(x0);
            a = ((FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p0 + 18, LE).castShape(F, 0)).fma(x1, a);
            FloatVector c = ((FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p1 + 2, LE).castShape(F, 0)).mul(x0);
            c = ((FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, s, p1 + 18, LE).castShape(F, 0)).fma(x1, c);
            accE0 = a.fma(FloatVector.broadcast(F, Fp.f16ToF32(s.get(Dequant.I16, p0))), accE0);
            accE1 = c.fma(FloatVector.broadcast(F, Fp.f16ToF32(s.get(Dequant.I16, p1))), accE1);
        }
        accE0 = accE0.add(accO0);
        accE0 = LANES > 8 ? accE0.add(accE0.rearrange(X8)) : accE0; // sumLanes, spelled out
        accE0 = LANES > 4 ? accE0.add(accE0.rearrange(X4)) : accE0;
        float accE0Sum = (accE0.lane(0) + accE0.lane(2)) + (accE0.lane(1) + accE0.lane(3));
        accE1 = accE1.add(accO1);
        accE1 = LANES > 8 ? accE1.add(accE1.rearrange(X8)) : accE1; // sumLanes, spelled out
        accE1 = LANES > 4 ? accE1.add(accE1.rearrange(X4)) : accE1;
        float accE1Sum = (accE1.lane(0) + accE1.lane(2)) + (accE1.lane(1) + accE1.lane(3));
        y[yOff] = accE0Sum;
        y[yOff + 1] = accE1Sum;
    }

    /**
     * Q4_K: per 32-weight sub-block j, sum = d*sc_j * sum(q*x) - dmin*m_j * sum(x); nibbles are split in registers.
     */
    static float dotQ4K(MemorySegment s, long base, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        FloatVector accMin = FloatVector.zero(F);
        ByteVector low4 = ByteVector.broadcast(ByteVector.SPECIES_256, (byte) 0x0F);
        for (int b = 0; b < n / 256; b++) {
            long p = base + 144L * b;
            float d = Fp.f16ToF32(s.get(Dequant.I16, p));
            float dmin = Fp.f16ToF32(s.get(Dequant.I16, p + 2));
            long scales = p + 4;
            for (int c = 0; c < 4; c++) {
                ByteVector q = ByteVector.fromMemorySegment(ByteVector.SPECIES_256, s, p + 16 + 32L * c, LE);
                ByteVector lo = q.and(low4);
                ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).and(low4);
                int xo = xOff + 256 * b + 64 * c;
                FloatVector x0 = FloatVector.fromArray(F, x, xo), x1 = FloatVector.fromArray(F, x, xo + 16);
                FloatVector x2 = FloatVector.fromArray(F, x, xo + 32), x3 = FloatVector.fromArray(F, x, xo + 48);
                FloatVector sLo = ((FloatVector) lo.castShape(F, 0)).mul(x0).add(((FloatVector) lo.castShape(F, 1)).mul(x1));
                FloatVector sHi = ((FloatVector) hi.castShape(F, 0)).mul(x2).add(((FloatVector) hi.castShape(F, 1)).mul(x3));
                int j = 2 * c;
                acc = sLo.fma(FloatVector.broadcast(F, d * Dequant.q4kScale(s, scales, j)), acc);
                acc = sHi.fma(FloatVector.broadcast(F, d * Dequant.q4kScale(s, scales, j + 1)), acc);
                accMin = x0.add(x1).fma(FloatVector.broadcast(F, dmin * Dequant.q4kMin(s, scales, j)), accMin);
                accMin = x2.add(x3).fma(FloatVector.broadcast(F, dmin * Dequant.q4kMin(s, scales, j + 1)), accMin);
            }
        }
        // sumLanes spelled out (this kernel only runs with 16 lanes)
        FloatVector v = acc.sub(accMin);
        v = v.add(v.rearrange(X8));
        v = v.add(v.rearrange(X4));
        return (v.lane(0) + v.lane(2)) + (v.lane(1) + v.lane(3));
    }

    /** Q6_K: 6-bit quants assembled from the low-nibble and high-bit planes in registers, int8 scale per 16 weights. */
    static float dotQ6K(MemorySegment s, long base, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        VectorSpecies<Byte> B = ByteVector.SPECIES_256;
        ByteVector m4 = ByteVector.broadcast(B, (byte) 0x0F);
        ByteVector m2 = ByteVector.broadcast(B, (byte) 0x03);
        ByteVector off = ByteVector.broadcast(B, (byte) 32);
        for (int b = 0; b < n / 256; b++) {
            long p = base + 210L * b;
            float d = Fp.f16ToF32(s.get(Dequant.I16, p + 208));
            for (int h = 0; h < 2; h++) {
                ByteVector ql0 = ByteVector.fromMemorySegment(B, s, p + 64L * h, LE);
                ByteVector ql1 = ByteVector.fromMemorySegment(B, s, p + 64L * h + 32, LE);
                ByteVector qh = ByteVector.fromMemorySegment(B, s, p + 128 + 32L * h, LE);
                ByteVector u0 = ql0.and(m4).or(qh.and(m2).lanewise(VectorOperators.LSHL, 4)).sub(off);
                ByteVector u1 = ql1.and(m4).or(qh.lanewise(VectorOperators.LSHR, 2).and(m2).lanewise(VectorOperators.LSHL, 4)).sub(off);
                ByteVector u2 = ql0.lanewise(VectorOperators.LSHR, 4).and(m4)
                        .or(qh.lanewise(VectorOperators.LSHR, 4).and(m2).lanewise(VectorOperators.LSHL, 4)).sub(off);
                ByteVector u3 = ql1.lanewise(VectorOperators.LSHR, 4).and(m4)
                        .or(qh.lanewise(VectorOperators.LSHR, 6).and(m2).lanewise(VectorOperators.LSHL, 4)).sub(off);
                int xo = xOff + 256 * b + 128 * h;
                long sc = p + 192 + 8L * h;
                // quarter k: weights xo + 32k .. +31, two halves of 16 with scales sc[2k], sc[2k+1]
                acc = ((FloatVector) u0.castShape(F, 0)).mul(FloatVector.fromArray(F, x, xo)).fma(FloatVector.broadcast(F, d * s.get(ValueLayout.JAVA_BYTE, sc)), acc);
                acc = ((FloatVector) u0.castShape(F, 1)).mul(FloatVector.fromArray(F, x, xo + 16)).fma(FloatVector.broadcast(F, d * s.get(ValueLayout.JAVA_BYTE, sc + 1)), acc);
                acc = ((FloatVector) u1.castShape(F, 0)).mul(FloatVector.fromArray(F, x, xo + 32)).fma(FloatVector.broadcast(F, d * s.get(ValueLayout.JAVA_BYTE, sc + 2)), acc);
                acc = ((FloatVector) u1.castShape(F, 1)).mul(FloatVector.fromArray(F, x, xo + 48)).fma(FloatVector.broadcast(F, d * s.get(ValueLayout.JAVA_BYTE, sc + 3)), acc);
                acc = ((FloatVector) u2.castShape(F, 0)).mul(FloatVector.fromArray(F, x, xo + 64)).fma(FloatVector.broadcast(F, d * s.get(ValueLayout.JAVA_BYTE, sc + 4)), acc);
                acc = ((FloatVector) u2.castShape(F, 1)).mul(FloatVector.fromArray(F, x, xo + 80)).fma(FloatVector.broadcast(F, d * s.get(ValueLayout.JAVA_BYTE, sc + 5)), acc);
                acc = ((FloatVector) u3.castShape(F, 0)).mul(FloatVector.fromArray(F, x, xo + 96)).fma(FloatVector.broadcast(F, d * s.get(ValueLayout.JAVA_BYTE, sc + 6)), acc);
                acc = ((FloatVector) u3.castShape(F, 1)).mul(FloatVector.fromArray(F, x, xo + 112)).fma(FloatVector.broadcast(F, d * s.get(ValueLayout.JAVA_BYTE, sc + 7)), acc);
            }
        }
        // sumLanes spelled out, as in dotQ4K
        acc = acc.add(acc.rearrange(X8));
        acc = acc.add(acc.rearrange(X4));
        return (acc.lane(0) + acc.lane(2)) + (acc.lane(1) + acc.lane(3));
    }



    private static float dotQ80Narrow(MemorySegment s, long base, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int blocks = n / 32;
        for (int b = 0; b < blocks; b++) {
            long p = base + 34L * b;
            float d = Fp.f16ToF32(s.get(Dequant.I16, p));
            int xo = xOff + 32 * b;
            FloatVector blockSum = FloatVector.zero(F);
            for (int j = 0; j < 32; j += LANES) {
                ByteVector q = ByteVector.fromMemorySegment(B_FOR_F, s, p + 2 + j, LE);
                FloatVector qf = (FloatVector) q.convertShape(VectorOperators.B2F, F, 0);
                blockSum = qf.fma(FloatVector.fromArray(F, x, xo + j), blockSum);
            }
            acc = blockSum.fma(FloatVector.broadcast(F, d), acc);
        }
        acc = LANES > 8 ? acc.add(acc.rearrange(X8)) : acc; // sumLanes, spelled out
        acc = LANES > 4 ? acc.add(acc.rearrange(X4)) : acc;
        return (acc.lane(0) + acc.lane(2)) + (acc.lane(1) + acc.lane(3));
    }
}
