package dev.reasoningrouter.engine.kernels.cuda;

import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.model.ModelWeights;
import dev.reasoningrouter.engine.tensor.Dequant;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tensor.Quantize;
import dev.reasoningrouter.engine.tensor.WeightMatrix;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loaded model's weights copied once to the device, in the layouts the kernels read. Matrices keep their file
 * encoding byte for byte (F32, F16, BF16, Q8_0, Q4_K, Q6_K, FP8 E4M3 with its 128x128 block scales); the groups the
 * kernels take as one matrix (the routed experts of a layer, the per-head MLA absorption matrices) are gathered into
 * one allocation. Two layouts need converting, exactly:
 * <ul>
 *   <li>the fused {@code attn_kv_b}/{@code kv_b_proj} stores head h's key up-projection as (qk_nope x kv_lora); the
 *       kernels want llama.cpp's split {@code attn_k_b} form (kv_lora x qk_nope), so it is transposed on the host.
 *       F16/BF16 stay in their type (the values re-encode exactly); other types become F32, since a block-quantised
 *       or FP8-scaled matrix does not transpose block for block;</li>
 *   <li>an FP8 view over part of a tensor whose rows straddle the 128-row scale blocks differently from a matrix
 *       of its own (e.g. a head's value rows inside {@code kv_b_proj} when heads are not 128-row aligned) is decoded
 *       to F32.</li>
 * </ul>
 * Q4_0 and Q5_0 have no kernels: such a model is refused before anything is uploaded, naming the tensors.
 */
final class CudaModelWeights implements AutoCloseable {

    private final CudaDevice device;
    private final List<DeviceBuffer> buffers = new ArrayList<>();
    private final Map<WeightMatrix, DeviceMatrix> uploaded = new IdentityHashMap<>();
    private final MlaMoeShape shape;
    private final DeviceMatrix embed;
    private final DeviceMatrix lmHead;
    private final DeviceSlice outNorm;
    private final List<DecoderLayerWeights> layers;

    /** Uploads every weight of {@code w}; on failure frees what was uploaded and rethrows. */
    CudaModelWeights(CudaDevice device, ModelConfig c, ModelWeights w) {
        checkTypes(w);
        this.device = device;
        this.shape = shape(c);
        try {
            embed = matrix(w.tokenEmbedding());
            List<DecoderLayerWeights> ls = new ArrayList<>();
            for (ModelWeights.Layer layer : w.layers()) ls.add(layer(layer));
            layers = List.copyOf(ls);
            outNorm = vector(w.outputNorm());
            lmHead = matrix(w.output());  // the same device matrix as the embedding when the model ties them
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    MlaMoeShape shape() { return shape; }

    DeviceMatrix embed() { return embed; }

    DeviceMatrix lmHead() { return lmHead; }

    DeviceSlice outNorm() { return outNorm; }

    List<DecoderLayerWeights> layers() { return layers; }

    /** Device bytes the weights take. */
    long bytes() {
        long b = 0;
        for (DeviceBuffer d : buffers) b += d.bytes();
        return b;
    }

    /** The kernels' view of the configuration: sizes, YaRN in ggml's rope_yarn form, the gating rules. */
    static MlaMoeShape shape(ModelConfig c) {
        float factor = c.ropeScalingFactor();
        // The CPU model rotates without YaRN's magnitude factor and puts mscale^2 into the softmax scale; rope_yarn
        // multiplies the rotation by attnFactor * (1 + 0.1 ln factor), so attnFactor cancels that (as llama.cpp does).
        RopeYarn rope = factor > 1
                ? RopeYarn.yarn(c.qkRopeHeadDim(), c.ropeTheta(), factor, c.ropeOriginalContext(), c.yarnBetaFast(), c.yarnBetaSlow(),
                        (float) (1 / (1 + 0.1 * Math.log(factor))))
                : RopeYarn.plain(c.ropeTheta());
        MoeGating gating = c.moeLayerCount() == 0
                ? MoeGating.softmax(false, 1f)
                // a one-expert group has no second-best score: the CPU router then scores it by its best, as here
                : new MoeGating(c.scoringFunc() == ModelConfig.Gating.SIGMOID, c.nGroup(), c.topkGroup(),
                        c.topKMethodGroupSum() && c.nRoutedExperts() / c.nGroup() > 1, c.normTopKProb(), c.routedScalingFactor());
        return new MlaMoeShape(c.hiddenSize(), c.numHeads(), c.qLoraRank(), c.kvLoraRank(), c.qkRopeHeadDim(), c.qkNopeHeadDim(),
                c.vHeadDim(), c.vocabSize(), c.nRoutedExperts(), c.numExpertsPerTok(), c.moeIntermediateSize(), c.rmsNormEps(),
                (float) c.softmaxScale(), rope, gating);
    }

    /**
     * Refuses, before the device is touched, a configuration outside what the kernels take (so that {@code auto}
     * falls back to the CPU with the reason instead of failing at the first step).
     */
    static void checkShape(ModelConfig c) {
        List<String> bad = new ArrayList<>();
        if (c.kvLoraRank() > 4 * CudaKernels.MLA_THREADS) bad.add("kv_lora_rank " + c.kvLoraRank() + " > " + 4 * CudaKernels.MLA_THREADS);
        if (c.qkRopeHeadDim() > 2048) bad.add("qk_rope_head_dim " + c.qkRopeHeadDim() + " > 2048");
        // the per-head absorption products read q and the attention output per head with 128-bit loads
        if (c.qkHeadDim() % 4 != 0) bad.add("qk_nope + qk_rope = " + c.qkHeadDim() + " is not a multiple of 4");
        if (c.kvLoraRank() % 4 != 0) bad.add("kv_lora_rank " + c.kvLoraRank() + " is not a multiple of 4");
        if (c.moeLayerCount() > 0) {
            if (c.nRoutedExperts() > 1024) bad.add(c.nRoutedExperts() + " routed experts > 1024");
            if (c.numExpertsPerTok() > 32) bad.add(c.numExpertsPerTok() + " experts per token > 32");
            if (c.nGroup() > 64) bad.add(c.nGroup() + " expert groups > 64");
        }
        if (!bad.isEmpty()) {
            throw new CudaUnavailableException("the CUDA kernels do not take this model's shape: " + String.join(", ", bad));
        }
    }

    /** Refuses, before any upload, a model with weight types the kernels cannot read, naming its tensors. */
    static void checkTypes(ModelWeights w) {
        Set<String> bad = new LinkedHashSet<>();
        List<WeightMatrix> all = new ArrayList<>(List.of(w.tokenEmbedding(), w.output()));
        for (ModelWeights.Layer l : w.layers()) {
            ModelWeights.Attention a = l.attention();
            for (WeightMatrix m : new WeightMatrix[] {a.wq(), a.wqA(), a.wqB(), a.wkvA(), a.wo()}) if (m != null) all.add(m);
            if (a.keyUpTransposed()) all.addAll(Arrays.asList(a.keyUp()));  // a fused key up-projection is decoded anyway
            all.addAll(Arrays.asList(a.valueUp()));
            if (l.dense() != null) all.addAll(ffn(l.dense()));
            if (l.moe() != null) {
                all.add(l.moe().router());
                for (ModelWeights.Ffn e : l.moe().experts()) all.addAll(ffn(e));
                if (l.moe().shared() != null) all.addAll(ffn(l.moe().shared()));
            }
        }
        for (WeightMatrix m : all) {
            if (CudaWeightType.of(m.type()).isEmpty()) bad.add("'" + m.name() + "' (" + m.type() + ")");
        }
        if (!bad.isEmpty()) {
            List<String> names = new ArrayList<>(bad);
            String shown = String.join(", ", names.subList(0, Math.min(5, names.size()))) + (names.size() > 5 ? " and " + (names.size() - 5) + " more" : "");
            throw new CudaUnavailableException("the CUDA kernels cannot read " + names.size() + " tensor(s) of this model: " + shown
                    + "; they read F32, F16, BF16, Q8_0, Q4_K, Q6_K and FP8 E4M3 (use the CPU backend for this file)");
        }
    }

    private static List<WeightMatrix> ffn(ModelWeights.Ffn f) { return List.of(f.gate(), f.up(), f.down()); }

    private DecoderLayerWeights layer(ModelWeights.Layer layer) {
        ModelWeights.Attention a = layer.attention();
        DeviceMatrix qA = a.wqA() == null ? null : matrix(a.wqA());
        DeviceSlice qANorm = a.qANorm() == null ? null : vector(a.qANorm());
        DeviceMatrix q = matrix(a.wq() != null ? a.wq() : a.wqB());
        DeviceMatrix kvA = matrix(a.wkvA());
        DeviceSlice kvANorm = vector(a.kvANorm());
        DeviceMatrix kB = a.keyUpTransposed() ? matrix(a.keyUp()) : transposed(a.keyUp());
        DeviceMatrix vB = matrix(a.valueUp());
        DeviceMatrix out = matrix(a.wo());
        DeviceSlice attnNorm = vector(a.norm());
        DeviceSlice ffnNorm = vector(layer.ffnNorm());
        if (layer.moe() == null) {
            ModelWeights.Ffn f = layer.dense();
            return new DecoderLayerWeights(attnNorm, qA, qANorm, q, kvA, kvANorm, kB, vB, out, ffnNorm, null, null,
                    matrix(f.gate()), matrix(f.up()), matrix(f.down()), null, null, null);
        }
        ModelWeights.Moe m = layer.moe();
        int ne = m.experts().length;
        WeightMatrix[] g = new WeightMatrix[ne], u = new WeightMatrix[ne], d = new WeightMatrix[ne];
        for (int e = 0; e < ne; e++) {
            g[e] = m.experts()[e].gate();
            u[e] = m.experts()[e].up();
            d[e] = m.experts()[e].down();
        }
        ModelWeights.Ffn sh = m.shared();
        return new DecoderLayerWeights(attnNorm, qA, qANorm, q, kvA, kvANorm, kB, vB, out, ffnNorm, matrix(m.router()),
                m.selectionBias() == null ? null : vector(m.selectionBias()), matrix(g), matrix(u), matrix(d),
                sh == null ? null : matrix(sh.gate()), sh == null ? null : matrix(sh.up()), sh == null ? null : matrix(sh.down()));
    }

    private DeviceSlice vector(float[] v) {
        DeviceBuffer b = allocate(4L * v.length);
        b.upload(v);
        return b.whole();
    }

    /** The matrices {@code views} (same type and shape) as one device matrix of {@code views.length} groups. */
    private DeviceMatrix matrix(WeightMatrix... views) {
        WeightMatrix first = views[0];
        DeviceMatrix done = views.length == 1 ? uploaded.get(first) : null;
        if (done != null) return done;
        for (WeightMatrix v : views) {
            if (v.type() != first.type() || v.rows() != first.rows() || v.cols() != first.cols()) {
                throw new IllegalArgumentException("tensors '" + first.name() + "' and '" + v.name() + "' run as one matrix on the GPU but differ: "
                        + first.type() + " " + first.rows() + "x" + first.cols() + " vs " + v.type() + " " + v.rows() + "x" + v.cols());
            }
        }
        CudaWeightType t = CudaWeightType.of(first.type()).orElseThrow(() -> new CudaUnavailableException(
                "tensor '" + first.name() + "' is " + first.type() + ", which the CUDA kernels do not read"));
        if (t.hasBlockScales() && !Arrays.stream(views).allMatch(CudaModelWeights::scaleBlocksAlign)) {
            return decoded(views, false);
        }
        int rows = first.rows(), cols = first.cols(), groups = views.length;
        long groupBytes = rows * t.rowBytes(cols);
        DeviceBuffer data = allocate(groups * groupBytes);
        for (int g = 0; g < groups; g++) data.upload(g * groupBytes, views[g].data().asSlice(0, groupBytes));
        DeviceSlice scales = null;
        if (t.hasBlockScales()) {
            int sr = ceilDiv(rows, CudaWeightType.FP8_SCALE_BLOCK), sc = ceilDiv(cols, CudaWeightType.FP8_SCALE_BLOCK);
            float[] s = new float[groups * sr * sc];
            for (int g = 0; g < groups; g++) {
                for (int rb = 0; rb < sr; rb++) {
                    for (int cb = 0; cb < sc; cb++) {
                        s[(g * sr + rb) * sc + cb] = views[g].fp8Scale(rb * CudaWeightType.FP8_SCALE_BLOCK, cb * CudaWeightType.FP8_SCALE_BLOCK);
                    }
                }
            }
            scales = vector(s);
        }
        DeviceMatrix m = new DeviceMatrix(t, rows, cols, groups, data.whole(), scales);
        if (views.length == 1) uploaded.put(first, m);
        return m;
    }

    /**
     * Whether the kernels' scale indexing (row r of the matrix uses scale row r / 128) gives every row of this FP8
     * view the scale its tensor gives it (row scaleRowBase + r uses scale row (scaleRowBase + r) / 128).
     */
    static boolean scaleBlocksAlign(WeightMatrix v) {
        int block = CudaWeightType.FP8_SCALE_BLOCK, base = v.scaleRowBase();
        for (int first = 0; first < v.rows(); first += block) {
            int last = Math.min(v.rows(), first + block) - 1;
            if ((base + first) / block != (base + last) / block) return false;
        }
        return true;
    }

    /** Head h's (qk_nope x kv_lora) key up-projection as (kv_lora x qk_nope), the layout the absorption kernel reads. */
    private DeviceMatrix transposed(WeightMatrix[] keyUp) {
        return decoded(keyUp, true);
    }

    /**
     * The views decoded on the host (optionally each transposed) and uploaded as F32, or as F16/BF16 when that is
     * their type (re-encoding those values is exact).
     */
    private DeviceMatrix decoded(WeightMatrix[] views, boolean transpose) {
        WeightMatrix first = views[0];
        int rows = transpose ? first.cols() : first.rows(), cols = transpose ? first.rows() : first.cols();
        GgmlType keep = first.type() == GgmlType.F16 || first.type() == GgmlType.BF16 ? first.type() : GgmlType.F32;
        CudaWeightType t = CudaWeightType.of(keep).orElseThrow();
        long groupBytes = rows * t.rowBytes(cols);
        DeviceBuffer data = allocate(views.length * groupBytes);
        float[] src = new float[first.cols()];
        float[] dst = new float[rows * cols];
        for (int g = 0; g < views.length; g++) {
            WeightMatrix v = views[g];
            for (int r = 0; r < v.rows(); r++) {
                Dequant.row(v, r, src, 0);
                if (transpose) {
                    for (int c = 0; c < v.cols(); c++) dst[c * cols + r] = src[c];
                } else {
                    System.arraycopy(src, 0, dst, r * cols, cols);
                }
            }
            if (keep == GgmlType.F32) {
                data.upload(g * groupBytes, dst);
            } else {
                MemorySegment enc = MemorySegment.ofArray(new byte[(int) groupBytes]);
                Quantize.encode(keep, dst, 0, dst.length, enc, 0);
                data.upload(g * groupBytes, enc);
            }
        }
        return new DeviceMatrix(t, rows, cols, views.length, data.whole(), null);
    }

    private DeviceBuffer allocate(long bytes) {
        DeviceBuffer b = device.allocate(bytes);
        buffers.add(b);
        return b;
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    @Override
    public void close() {
        for (DeviceBuffer b : buffers) b.close();
        buffers.clear();
        uploaded.clear();
    }
}
