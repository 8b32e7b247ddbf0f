package dev.reasoningrouter.engine.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;

/**
 * Typed launchers for the kernels in rr_kernels.cu. All launches are queued on the default stream and return at
 * once; {@link CudaDevice#synchronize()} waits. Sizes and alignments are checked here, before the GPU can fault.
 * Float strides ({@code ld*}) count floats. Vectors the matrix kernels read must start 16-byte aligned with strides
 * that are multiples of 4 floats (they are read with 128-bit loads).
 */
public final class CudaKernels {

    /** Tokens one matrix launch carries; larger batches are split into launches of this size. */
    public static final int MAX_BATCH = 8;
    static final int MM_THREADS = 256;
    static final int MM_ROWS_PER_BLOCK = MM_THREADS / 32;
    static final int MLA_THREADS = 256;
    static final int MLA_TILE = 64;
    static final int SAMPLE_THREADS = 1024;
    static final int[] BATCH_VARIANTS = {1, 2, 4, 8};

    private final CudaModule module;
    private final CudaDevice device;

    public CudaKernels(CudaModule module) {
        this.module = module;
        this.device = module.device();
    }

    public CudaDevice device() { return device; }

    /** Every kernel name the launchers use (the build test checks each is in the PTX). */
    public static List<String> kernelNames() {
        List<String> names = new ArrayList<>();
        for (CudaWeightType t : CudaWeightType.values()) {
            for (int b : BATCH_VARIANTS) {
                names.add("rr_matmul_" + t.suffix() + "_b" + b);
                names.add("rr_ffn_gate_up_" + t.suffix() + "_b" + b);
            }
            names.add("rr_moe_gate_up_" + t.suffix());
            names.add("rr_moe_down_" + t.suffix());
            names.add("rr_embed_" + t.suffix());
        }
        names.addAll(List.of("rr_rmsnorm", "rr_rope_yarn", "rr_mla_decode_partial", "rr_mla_decode_reduce", "rr_moe_gate",
                "rr_argmax", "rr_sample_top_p", "rr_axpy", "rr_fill_f32", "rr_fill_random_u32", "rr_sanitize_weights"));
        return names;
    }

    // ---------------------------------------------------------------- matrix products

    /** y[b] (+)= W . x[b] for b < batch (W has one group). */
    public void matmul(DeviceMatrix w, DeviceSlice x, int ldx, DeviceSlice y, int ldy, int batch, boolean accumulate) {
        requireGroups(w, 1);
        groupedMatmul(w, x, ldx, 0, y, ldy, 0, batch, accumulate);
    }

    /**
     * For every group g of W (e.g. a head): y[g][b] (+)= W[g] . x[g][b], where x[g][b] starts at float
     * {@code g*xGroupStride + b*ldx} of {@code x} and y[g][b] at {@code g*yGroupStride + b*ldy} of {@code y}.
     * This is MLA's per-head absorption (q_nope through W_UK, the attention output through W_UV).
     */
    public void groupedMatmul(DeviceMatrix w, DeviceSlice x, int ldx, long xGroupStride, DeviceSlice y, int ldy,
                              long yGroupStride, int batch, boolean accumulate) {
        int groups = w.groups();
        requireBatch(batch);
        requireVector(w, x, "x", ldx, xGroupStride);
        requireSize(x, (groups - 1) * xGroupStride + (long) (batch - 1) * ldx + w.cols(), "x");
        requireSize(y, (groups - 1) * yGroupStride + (long) (batch - 1) * ldy + w.rows(), "y");
        for (int b0 = 0; b0 < batch; b0 += MAX_BATCH) {
            int nb = Math.min(MAX_BATCH, batch - b0);
            CUfunction f = module.function("rr_matmul_" + w.type().suffix() + "_b" + variant(nb));
            Args a = new Args().ptr(w.data()).ptr(w.scales()).ptr(x, 4L * b0 * ldx).ptr(y, 4L * b0 * ldy)
                    .i(w.rows()).i(w.cols()).i(nb).l(ldx).l(ldy).l(w.groupBytes()).l(w.type().scaleCount(w.rows(), w.cols()))
                    .l(xGroupStride).l(yGroupStride).i(accumulate ? 1 : 0);
            launch(f, ceilDiv(w.rows(), MM_ROWS_PER_BLOCK), groups, 1, MM_THREADS, 0, a);
        }
    }

    /** Dense SwiGLU front half (dense layers, shared experts): h[b] = silu(Wg . x[b]) * (Wu . x[b]). */
    public void ffnGateUp(DeviceMatrix gate, DeviceMatrix up, DeviceSlice x, int ldx, DeviceSlice h, int ldh, int batch) {
        requireGroups(gate, 1);
        requireSame(gate, up);
        requireBatch(batch);
        requireVector(gate, x, "x", ldx, 0);
        requireSize(x, (long) (batch - 1) * ldx + gate.cols(), "x");
        requireSize(h, (long) (batch - 1) * ldh + gate.rows(), "h");
        for (int b0 = 0; b0 < batch; b0 += MAX_BATCH) {
            int nb = Math.min(MAX_BATCH, batch - b0);
            CUfunction f = module.function("rr_ffn_gate_up_" + gate.type().suffix() + "_b" + variant(nb));
            Args a = new Args().ptr(gate.data()).ptr(up.data()).ptr(gate.scales()).ptr(up.scales())
                    .ptr(x, 4L * b0 * ldx).ptr(h, 4L * b0 * ldh).i(gate.rows()).i(gate.cols()).i(nb).l(ldx).l(ldh);
            launch(f, ceilDiv(gate.rows(), MM_ROWS_PER_BLOCK), 1, 1, MM_THREADS, 0, a);
        }
    }

    /**
     * Routed experts, front half, reading only the chosen experts: for token b and slot s with
     * e = experts[b*k+s], h[b*k+s] = silu(Wg[e] . x[b]) * (Wu[e] . x[b]). {@code experts} holds batch*k ints
     * (as {@link #moeGate} writes them), each a valid group index of the matrices.
     */
    public void moeGateUp(DeviceMatrix gate, DeviceMatrix up, DeviceSlice x, int ldx, DeviceSlice experts, int k, int batch,
                          DeviceSlice h, int ldh) {
        requireSame(gate, up);
        requireVector(gate, x, "x", ldx, 0);
        requireK(k, batch, experts);
        requireSize(x, (long) (batch - 1) * ldx + gate.cols(), "x");
        requireSize(h, ((long) batch * k - 1) * ldh + gate.rows(), "h");
        Args a = new Args().ptr(gate.data()).ptr(up.data()).ptr(gate.scales()).ptr(up.scales()).ptr(x, 0).ptr(h, 0)
                .ptr(experts, 0).i(k).i(gate.rows()).i(gate.cols()).l(gate.groupBytes())
                .l(gate.type().scaleCount(gate.rows(), gate.cols())).l(ldx).l(ldh);
        launch(module.function("rr_moe_gate_up_" + gate.type().suffix()), ceilDiv(gate.rows(), MM_ROWS_PER_BLOCK), k, batch,
                MM_THREADS, 0, a);
    }

    /**
     * Routed experts, back half with the weighted sum fused: y[b] (+)= sum_s weights[b*k+s] * (Wd[e] . h[b*k+s]).
     * With {@code accumulate} this adds straight into the residual stream.
     */
    public void moeDown(DeviceMatrix down, DeviceSlice h, int ldh, DeviceSlice experts, DeviceSlice weights, int k, int batch,
                        DeviceSlice y, int ldy, boolean accumulate) {
        requireVector(down, h, "h", ldh, 0);
        requireK(k, batch, experts);
        requireSize(weights, (long) batch * k, "weights");
        requireSize(h, ((long) batch * k - 1) * ldh + down.cols(), "h");
        requireSize(y, (long) (batch - 1) * ldy + down.rows(), "y");
        Args a = new Args().ptr(down.data()).ptr(down.scales()).ptr(h, 0).ptr(y, 0).ptr(experts, 0).ptr(weights, 0).i(k)
                .i(down.rows()).i(down.cols()).l(down.groupBytes()).l(down.type().scaleCount(down.rows(), down.cols()))
                .l(ldh).l(ldy).i(accumulate ? 1 : 0);
        launch(module.function("rr_moe_down_" + down.type().suffix()), ceilDiv(down.rows(), MM_ROWS_PER_BLOCK), 1, batch,
                MM_THREADS, 0, a);
    }

    /** y[t] = row ids[t] of the (possibly quantised) embedding table, for t < n. */
    public void embed(DeviceMatrix table, DeviceSlice ids, int n, DeviceSlice y, int ldy) {
        requireGroups(table, 1);
        requireSize(ids, n, "ids");
        requireSize(y, (long) (n - 1) * ldy + table.cols(), "y");
        Args a = new Args().ptr(table.data()).ptr(table.scales()).ptr(ids, 0).ptr(y, 0).i(table.cols()).l(ldy);
        launch(module.function("rr_embed_" + table.type().suffix()), n, 1, 1, 256, 0, a);
    }

    // ---------------------------------------------------------------- layers

    /** y[r] = x[r] * rsqrt(mean(x[r]^2) + eps) * w for r < rows; x and y may be the same memory. */
    public void rmsNorm(DeviceSlice x, int ldx, DeviceSlice w, DeviceSlice y, int ldy, int rows, int n, float eps) {
        requireSize(x, (long) (rows - 1) * ldx + n, "x");
        requireSize(y, (long) (rows - 1) * ldy + n, "y");
        requireSize(w, n, "w");
        Args a = new Args().ptr(x, 0).l(ldx).ptr(w, 0).ptr(y, 0).l(ldy).i(n).f(eps);
        launch(module.function("rr_rmsnorm"), rows, 1, 1, n >= 2048 ? 1024 : 256, 0, a);
    }

    /**
     * Rotates, in place, the {@code nRot} rotary values of each token t < tokens and head h < heads, starting at float
     * {@code t*ldTok + h*ldHead} of {@code x}, by the angle of {@code positions[t]}; adjacent pairs, YaRN per {@code rope}.
     */
    public void rope(DeviceSlice x, long ldTok, long ldHead, int tokens, int heads, int nRot, DeviceSlice positions, RopeYarn rope) {
        if (nRot <= 0 || nRot % 2 != 0 || nRot > 2048) throw new IllegalArgumentException("nRot must be even and 2..2048, got " + nRot);
        requireSize(x, (tokens - 1) * ldTok + (heads - 1) * ldHead + nRot, "x");
        requireSize(positions, tokens, "positions");
        Args a = new Args().ptr(x, 0).l(ldTok).l(ldHead).i(nRot).ptr(positions, 0).f(rope.freqBase()).f(rope.freqScale())
                .f(rope.extFactor()).f(rope.attnFactor()).f(rope.corrLow()).f(rope.corrHigh());
        launch(module.function("rr_rope_yarn"), tokens, heads, 1, roundUp(nRot / 2, 32), 0, a);
    }

    /**
     * Absorbed-MLA decode attention for one query token of one sequence, over {@code nKv} cached tokens. The cache
     * row of a token is [latent (kvRank) | rotary key (ropeDim)] with stride {@code ldCache}; qLat[h] (kvRank) is
     * q_nope already multiplied by W_UK, qPe[h] (ropeDim) the rotated query. out[h] = sum_t softmax_t(scale *
     * (qLat[h].c_t + qPe[h].k_t)) * c_t, split over the sequence and reduced (flash decoding).
     */
    public void mlaDecode(DeviceSlice qLat, long ldqLat, DeviceSlice qPe, long ldqPe, DeviceSlice cache, long ldCache, int nKv,
                          int heads, int kvRank, int ropeDim, float scale, MlaWorkspace ws, DeviceSlice out, long ldOut) {
        if (kvRank > 4 * MLA_THREADS) throw new IllegalArgumentException("kvRank above " + 4 * MLA_THREADS + ": " + kvRank);
        if (nKv <= 0) throw new IllegalArgumentException("attention over an empty cache");
        if (ws.heads() < heads || ws.kvRank() != kvRank) throw new IllegalArgumentException("workspace is for " + ws.heads() + " heads, kvRank " + ws.kvRank());
        requireSize(qLat, (heads - 1) * ldqLat + kvRank, "qLat");
        requireSize(qPe, (heads - 1) * ldqPe + ropeDim, "qPe");
        requireSize(cache, (nKv - 1) * ldCache + kvRank + ropeDim, "cache");
        requireSize(out, (heads - 1) * ldOut + kvRank, "out");
        int splits = splitsFor(nKv, heads, ws.maxSplits());
        int perSplit = ceilDiv(nKv, splits);
        splits = ceilDiv(nKv, perSplit);
        int smem = 4 * (kvRank + ropeDim + MLA_TILE);
        Args p = new Args().ptr(qLat, 0).l(ldqLat).ptr(qPe, 0).l(ldqPe).ptr(cache, 0).l(ldCache).i(nKv).i(kvRank).i(ropeDim)
                .f(scale).i(perSplit).ptr(ws.out(), 0).ptr(ws.max(), 0).ptr(ws.sum(), 0);
        launch(module.function("rr_mla_decode_partial"), heads, splits, 1, MLA_THREADS, smem, p);
        Args r = new Args().ptr(ws.out(), 0).ptr(ws.max(), 0).ptr(ws.sum(), 0).i(splits).i(kvRank).ptr(out, 0).l(ldOut);
        launch(module.function("rr_mla_decode_reduce"), heads, 1, 1, 256, 0, r);
    }

    /** Enough blocks to cover the SMs twice, no split shorter than one tile. */
    int splitsFor(int nKv, int heads, int maxSplits) {
        int wanted = ceilDiv(2 * device.info().multiprocessors(), heads);
        return Math.max(1, Math.min(Math.min(wanted, maxSplits), ceilDiv(nKv, MLA_TILE)));
    }

    /**
     * DeepSeekMoE routing for {@code tokens} rows of router logits: writes tokens*k expert ids and weights.
     * {@code bias} (the selection-only correction) may be null.
     */
    public void moeGate(DeviceSlice logits, int ldl, DeviceSlice bias, int nExperts, MoeGating g, int k, int tokens,
                        DeviceSlice outExperts, DeviceSlice outWeights) {
        if (nExperts < 1 || nExperts > 1024) throw new IllegalArgumentException("1..1024 experts supported, got " + nExperts);
        if (k < 1 || k > 32 || k > nExperts) throw new IllegalArgumentException("experts per token must be 1..min(32, " + nExperts + "), got " + k);
        if (nExperts % g.groups() != 0) throw new IllegalArgumentException(nExperts + " experts do not split into " + g.groups() + " groups");
        if (g.groups() > 1 && k > (long) g.topkGroups() * (nExperts / g.groups())) {
            throw new IllegalArgumentException("k=" + k + " exceeds the experts in " + g.topkGroups() + " kept groups");
        }
        requireSize(logits, (long) (tokens - 1) * ldl + nExperts, "logits");
        if (bias != null) requireSize(bias, nExperts, "bias");
        requireSize(outExperts, (long) tokens * k, "outExperts");
        requireSize(outWeights, (long) tokens * k, "outWeights");
        Args a = new Args().ptr(logits, 0).l(ldl).ptr(bias).i(nExperts).i(g.sigmoid() ? 1 : 0).i(g.groups()).i(g.topkGroups())
                .i(g.groupTop2Sum() ? 1 : 0).i(k).i(g.normTopk() ? 1 : 0).f(g.routeScale()).ptr(outExperts, 0).ptr(outWeights, 0);
        launch(module.function("rr_moe_gate"), tokens, 1, 1, 256, 0, a);
    }

    /** Greedy choice per row, with the chosen token's log-probability when {@code outLogprobs} is not null. */
    public void argmax(DeviceSlice logits, int ld, int n, int rows, DeviceSlice outIds, DeviceSlice outLogprobs) {
        requireSize(logits, (long) (rows - 1) * ld + n, "logits");
        requireSize(outIds, rows, "outIds");
        if (outLogprobs != null) requireSize(outLogprobs, rows, "outLogprobs");
        Args a = new Args().ptr(logits, 0).l(ld).i(n).ptr(outIds, 0).ptr(outLogprobs);
        launch(module.function("rr_argmax"), rows, 1, 1, SAMPLE_THREADS, 0, a);
    }

    /**
     * Temperature + top-p sampling per row, driven by one uniform u in [0,1) per row from the host's seeded
     * generator. temperatures, topPs and uniforms hold one float per row; temperature must be > 0 (use argmax for 0).
     */
    public void sampleTopP(DeviceSlice logits, int ld, int n, int rows, DeviceSlice temperatures, DeviceSlice topPs,
                           DeviceSlice uniforms, DeviceSlice outIds, DeviceSlice outLogprobs) {
        requireSize(logits, (long) (rows - 1) * ld + n, "logits");
        for (DeviceSlice s : new DeviceSlice[] {temperatures, topPs, uniforms, outIds}) requireSize(s, rows, "per-row parameter");
        if (outLogprobs != null) requireSize(outLogprobs, rows, "outLogprobs");
        Args a = new Args().ptr(logits, 0).l(ld).i(n).ptr(temperatures, 0).ptr(topPs, 0).ptr(uniforms, 0).ptr(outIds, 0).ptr(outLogprobs);
        launch(module.function("rr_sample_top_p"), rows, 1, 1, SAMPLE_THREADS, 0, a);
    }

    /** y += a * x over n floats. */
    public void axpy(DeviceSlice y, DeviceSlice x, float alpha, long n) {
        requireSize(y, n, "y");
        requireSize(x, n, "x");
        launch(module.function("rr_axpy"), gridFor(n), 1, 1, 256, 0, new Args().ptr(y, 0).ptr(x, 0).f(alpha).l(n));
    }

    // ---------------------------------------------------------------- bench support

    /** Fills a matrix with deterministic random, finite values of its type (FP8 scales set to {@code fp8Scale}). */
    public void fillRandom(DeviceMatrix m, int seed, float fp8Scale) {
        long bytes = m.groups() * m.groupBytes();
        launch(module.function("rr_fill_random_u32"), gridFor(bytes / 4), 1, 1, 256, 0,
                new Args().ptr(m.data(), 0).l(bytes / 4).i(seed));
        launch(module.function("rr_sanitize_weights"), gridFor(bytes / 4), 1, 1, 256, 0,
                new Args().ptr(m.data(), 0).l(bytes).i(m.type().code()));
        if (m.scales() != null) fill(m.scales(), fp8Scale);
    }

    public void fill(DeviceSlice s, float value) {
        launch(module.function("rr_fill_f32"), gridFor(s.floatCount()), 1, 1, 256, 0, new Args().ptr(s, 0).l(s.floatCount()).f(value));
    }

    // ---------------------------------------------------------------- plumbing

    private void launch(CUfunction f, int gx, int gy, int gz, int threads, int smem, Args a) {
        device.bind();
        cuLaunchKernel(f, gx, gy, gz, threads, 1, 1, smem, null, a.build(), null);
    }

    private static int gridFor(long n) { return (int) Math.max(1, Math.min(65535, (n + 255) / 256)); }

    private static int variant(int nb) {
        for (int v : BATCH_VARIANTS) if (nb <= v) return v;
        throw new IllegalArgumentException("batch chunk " + nb);
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    private static int roundUp(int a, int m) { return ceilDiv(a, m) * m; }

    private static void requireBatch(int batch) {
        if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }

    private static void requireGroups(DeviceMatrix w, int groups) {
        if (w.groups() != groups) throw new IllegalArgumentException("expected " + groups + " group(s), matrix has " + w.groups());
    }

    private static void requireSame(DeviceMatrix a, DeviceMatrix b) {
        if (a.type() != b.type() || a.rows() != b.rows() || a.cols() != b.cols() || a.groups() != b.groups()) {
            throw new IllegalArgumentException("gate and up differ: " + a.type() + " " + a.groups() + "x" + a.rows() + "x" + a.cols()
                    + " vs " + b.type() + " " + b.groups() + "x" + b.rows() + "x" + b.cols());
        }
    }

    private static void requireK(int k, int batch, DeviceSlice experts) {
        if (k < 1 || batch < 1 || batch > 65535) throw new IllegalArgumentException("need k >= 1 and 1 <= batch <= 65535: k=" + k + ", batch=" + batch);
        requireSize(experts, (long) batch * k, "experts");
    }

    /** Whether the kernel reads this matrix's rows with the vector path (mirrors rr_dot_row in rr_matmul.cuh). */
    static boolean vectorPath(CudaWeightType type, int cols) {
        return switch (type) {
            case F32 -> cols % 4 == 0;
            case F16, BF16 -> cols % 8 == 0;
            case Q8_0 -> cols % 64 == 0;
            case Q4_K, Q6_K -> true;
            case FP8_E4M3 -> cols % 16 == 0;
        };
    }

    /** The vector paths read x with 128-bit loads: x must then start 16-byte aligned, strides in multiples of 4 floats. */
    private static void requireVector(DeviceMatrix w, DeviceSlice v, String what, long ld, long groupStride) {
        if (!vectorPath(w.type(), w.cols())) return;
        if (v.offsetBytes() % 16 != 0 || ld % 4 != 0 || groupStride % 4 != 0) {
            throw new IllegalArgumentException(what + " must start 16-byte aligned with strides in multiples of 4 floats (offset "
                    + v.offsetBytes() + ", ld " + ld + ", group stride " + groupStride + ")");
        }
    }

    private static void requireSize(DeviceSlice s, long floats, String what) {
        if (floats < 0 || 4 * floats > s.lengthBytes()) {
            throw new IllegalArgumentException(what + " needs " + floats + " floats, slice holds " + s.lengthBytes() / 4);
        }
    }

    /** Kernel parameters, in signature order. */
    static final class Args {
        private final List<Pointer> params = new ArrayList<>();

        Args ptr(DeviceSlice s) { return s == null ? nul() : ptr(s, 0); }

        Args ptr(DeviceSlice s, long extraOffsetBytes) {
            if (s == null) return nul();
            params.add(Pointer.to(s.pointer().withByteOffset(extraOffsetBytes)));
            return this;
        }

        Args nul() { params.add(Pointer.to(new CUdeviceptr())); return this; }

        Args i(int v) { params.add(Pointer.to(new int[] {v})); return this; }

        Args l(long v) { params.add(Pointer.to(new long[] {v})); return this; }

        Args f(float v) { params.add(Pointer.to(new float[] {v})); return this; }

        Pointer build() { return Pointer.to(params.toArray(new Pointer[0])); }
    }
}
