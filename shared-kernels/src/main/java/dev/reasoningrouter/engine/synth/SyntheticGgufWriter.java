package dev.reasoningrouter.engine.synth;

import dev.reasoningrouter.engine.format.gguf.GgufValue;
import dev.reasoningrouter.engine.format.gguf.GgufValueType;
import dev.reasoningrouter.engine.format.gguf.GgufWriter;
import dev.reasoningrouter.engine.model.GgufModelLoader;
import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.model.TokenizerLoader;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tensor.Quantize;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes a {@link DeepSeekTensors} model (a {@link SyntheticModel} or a trained one) as a llama.cpp {@code deepseek2}
 * GGUF: the same metadata keys and tensor names as
 * llama.cpp's converter (split {@code attn_k_b}/{@code attn_v_b}, stacked experts, F32 norms and router).
 * Matrices whose row length does not fit the requested type's block fall back as llama.cpp's quantizer does
 * (Q4_K to Q5_0, others to Q8_0; F16 when even 32 does not divide the row); with Q4_K the output matrix is Q6_K (the Q4_K_M mix).
 */
public final class SyntheticGgufWriter {
    private SyntheticGgufWriter() {}

    public static void write(DeepSeekTensors m, GgmlType type, Path out) throws IOException {
        if (type == GgmlType.FP8_E4M3_B128) {
            throw new IllegalArgumentException("FP8 is a safetensors form; GGUF takes f32, f16, bf16, q8_0, q4_k or q6_k");
        }
        ModelConfig c = m.config();
        GgufWriter w = new GgufWriter();
        String a = GgufModelLoader.ARCH + ".";
        w.put("general.architecture", GgufValue.string(GgufModelLoader.ARCH));
        w.put("general.name", GgufValue.string(m.name()));
        w.put("general.file_type", GgufValue.u32(switch (type) {
            case F32 -> 0; case F16 -> 1; case Q4_0 -> 2; case Q5_0 -> 8; case Q8_0 -> 7; case Q4_K -> 15; case Q6_K -> 18;
            case BF16 -> 32; default -> 0;
        }));
        w.put(a + "context_length", GgufValue.u32(c.maxContext()));
        w.put(a + "embedding_length", GgufValue.u32(c.hiddenSize()));
        w.put(a + "block_count", GgufValue.u32(c.numLayers()));
        w.put(a + "feed_forward_length", GgufValue.u32(c.intermediateSize()));
        w.put(a + "attention.head_count", GgufValue.u32(c.numHeads()));
        w.put(a + "attention.head_count_kv", GgufValue.u32(1));
        w.put(a + "rope.freq_base", GgufValue.f32(c.ropeTheta()));
        w.put(a + "attention.layer_norm_rms_epsilon", GgufValue.f32(c.rmsNormEps()));
        w.put(a + "expert_used_count", GgufValue.u32(c.numExpertsPerTok()));
        w.put(a + "leading_dense_block_count", GgufValue.u32(c.firstKDenseReplace()));
        w.put(a + "vocab_size", GgufValue.u32(c.vocabSize()));
        if (c.qLoraRank() > 0) {
            w.put(a + "attention.q_lora_rank", GgufValue.u32(c.qLoraRank()));
        }
        w.put(a + "attention.kv_lora_rank", GgufValue.u32(c.kvLoraRank()));
        // MLA is stored as MQA over the latent: key = latent + rope, value = latent; the per-head sizes are *_mla
        w.put(a + "attention.key_length", GgufValue.u32(c.kvLoraRank() + c.qkRopeHeadDim()));
        w.put(a + "attention.value_length", GgufValue.u32(c.kvLoraRank()));
        w.put(a + "attention.key_length_mla", GgufValue.u32(c.qkHeadDim()));
        w.put(a + "attention.value_length_mla", GgufValue.u32(c.vHeadDim()));
        w.put(a + "expert_feed_forward_length", GgufValue.u32(c.moeIntermediateSize()));
        w.put(a + "expert_count", GgufValue.u32(c.nRoutedExperts()));
        w.put(a + "expert_shared_count", GgufValue.u32(c.nSharedExperts()));
        w.put(a + "expert_weights_scale", GgufValue.f32(c.routedScalingFactor()));
        w.put(a + "expert_weights_norm", GgufValue.bool(c.normTopKProb()));
        w.put(a + "expert_gating_func", GgufValue.u32(c.scoringFunc() == ModelConfig.Gating.SIGMOID ? 2 : 1));
        w.put(a + "expert_group_count", GgufValue.u32(c.nGroup()));
        w.put(a + "expert_group_used_count", GgufValue.u32(c.topkGroup()));
        w.put(a + "rope.dimension_count", GgufValue.u32(c.qkRopeHeadDim()));
        if (c.ropeScalingFactor() > 1) {
            w.put(a + "rope.scaling.type", GgufValue.string("yarn"));
            w.put(a + "rope.scaling.factor", GgufValue.f32(c.ropeScalingFactor()));
            w.put(a + "rope.scaling.original_context_length", GgufValue.u32(c.ropeOriginalContext()));
            w.put(a + "rope.scaling.yarn_log_multiplier", GgufValue.f32(0.1f * c.yarnMscaleAllDim()));
        }
        if (m.vocabulary() != null) {
            for (Map.Entry<String, GgufValue> e : TokenizerLoader.toMetadata(m.vocabulary())) {
                w.put(e.getKey(), e.getValue());
            }
        }

        // llama.cpp keeps norms and the router in F32; from a 16-bit checkpoint their values are 16-bit numbers
        // stored losslessly in F32. Round the same way so both forms of a synthetic model hold the same numbers.
        GgmlType f32Values = type == GgmlType.BF16 || type == GgmlType.F16 ? type : GgmlType.F32;
        int h = c.hiddenSize();
        matrix(w, "token_embd.weight", h, c.vocabSize(), type, () -> m.tensor("model.embed_tokens.weight"));
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            String b = "blk." + l + ".";
            vector(w, b + "attn_norm.weight", () -> round(m.tensor(p + "input_layernorm.weight"), f32Values));
            int qOut = c.numHeads() * c.qkHeadDim();
            if (c.qLoraRank() > 0) {
                matrix(w, b + "attn_q_a.weight", h, c.qLoraRank(), type, () -> m.tensor(p + "self_attn.q_a_proj.weight"));
                vector(w, b + "attn_q_a_norm.weight", () -> round(m.tensor(p + "self_attn.q_a_layernorm.weight"), f32Values));
                matrix(w, b + "attn_q_b.weight", c.qLoraRank(), qOut, type, () -> m.tensor(p + "self_attn.q_b_proj.weight"));
            } else {
                matrix(w, b + "attn_q.weight", h, qOut, type, () -> m.tensor(p + "self_attn.q_proj.weight"));
            }
            matrix(w, b + "attn_kv_a_mqa.weight", h, c.kvLoraRank() + c.qkRopeHeadDim(), type,
                    () -> m.tensor(p + "self_attn.kv_a_proj_with_mqa.weight"));
            vector(w, b + "attn_kv_a_norm.weight", () -> round(m.tensor(p + "self_attn.kv_a_layernorm.weight"), f32Values));
            int heads = c.numHeads(), nope = c.qkNopeHeadDim(), vd = c.vHeadDim(), lora = c.kvLoraRank();
            // kv_b [H*(nope+v), lora] -> k_b [H, lora, nope] (transposed per head), v_b [H, v, lora]
            tensor3(w, b + "attn_k_b.weight", new long[] {nope, lora, heads}, type, () -> {
                float[] kvb = m.tensor(p + "self_attn.kv_b_proj.weight");
                float[] kb = new float[heads * lora * nope];
                for (int hh = 0; hh < heads; hh++) {
                    for (int j = 0; j < nope; j++) {
                        for (int r = 0; r < lora; r++) {
                            kb[(hh * lora + r) * nope + j] = kvb[(hh * (nope + vd) + j) * lora + r];
                        }
                    }
                }
                return kb;
            });
            tensor3(w, b + "attn_v_b.weight", new long[] {lora, vd, heads}, type, () -> {
                float[] kvb = m.tensor(p + "self_attn.kv_b_proj.weight");
                float[] vb = new float[heads * vd * lora];
                for (int hh = 0; hh < heads; hh++) {
                    System.arraycopy(kvb, (hh * (nope + vd) + nope) * lora, vb, hh * vd * lora, vd * lora);
                }
                return vb;
            });
            matrix(w, b + "attn_output.weight", heads * vd, h, type, () -> m.tensor(p + "self_attn.o_proj.weight"));
            vector(w, b + "ffn_norm.weight", () -> round(m.tensor(p + "post_attention_layernorm.weight"), f32Values));
            if (c.isMoeLayer(l)) {
                int ne = c.nRoutedExperts(), mi = c.moeIntermediateSize();
                matrix(w, b + "ffn_gate_inp.weight", h, ne, GgmlType.F32, () -> round(m.tensor(p + "mlp.gate.weight"), f32Values));
                if (c.hasSelectionBias()) {
                    vector(w, b + "exp_probs_b.bias", () -> m.tensor(p + "mlp.gate.e_score_correction_bias"));
                }
                for (String proj : new String[] {"gate", "up", "down"}) {
                    long[] ne3 = proj.equals("down") ? new long[] {mi, h, ne} : new long[] {h, mi, ne};
                    tensor3(w, b + "ffn_" + proj + "_exps.weight", ne3, type, () -> {
                        float[] all = new float[ne * mi * h];
                        for (int e = 0; e < ne; e++) {
                            float[] one = m.tensor(p + "mlp.experts." + e + "." + proj + "_proj.weight");
                            System.arraycopy(one, 0, all, e * mi * h, mi * h);
                        }
                        return all;
                    });
                }
                if (c.nSharedExperts() > 0) {
                    int si = mi * c.nSharedExperts();
                    matrix(w, b + "ffn_gate_shexp.weight", h, si, type, () -> m.tensor(p + "mlp.shared_experts.gate_proj.weight"));
                    matrix(w, b + "ffn_up_shexp.weight", h, si, type, () -> m.tensor(p + "mlp.shared_experts.up_proj.weight"));
                    matrix(w, b + "ffn_down_shexp.weight", si, h, type, () -> m.tensor(p + "mlp.shared_experts.down_proj.weight"));
                }
            } else {
                int di = c.intermediateSize();
                matrix(w, b + "ffn_gate.weight", h, di, type, () -> m.tensor(p + "mlp.gate_proj.weight"));
                matrix(w, b + "ffn_up.weight", h, di, type, () -> m.tensor(p + "mlp.up_proj.weight"));
                matrix(w, b + "ffn_down.weight", di, h, type, () -> m.tensor(p + "mlp.down_proj.weight"));
            }
        }
        vector(w, "output_norm.weight", () -> round(m.tensor("model.norm.weight"), f32Values));
        matrix(w, "output.weight", h, c.vocabSize(), type == GgmlType.Q4_K ? GgmlType.Q6_K : type, () -> m.tensor("lm_head.weight"));
        w.write(out);
    }

    /**
     * The type a matrix with rows of {@code cols} values is stored in, given the type asked for: llama.cpp's
     * fallbacks when a row does not fill whole blocks (Q4_K to Q5_0, Q6_K to Q8_0), else F16.
     */
    public static GgmlType storedType(GgmlType wanted, long cols) {
        if (cols % wanted.blockSize() == 0) {
            return wanted;
        }
        if (cols % 32 == 0) {
            return wanted == GgmlType.Q4_K ? GgmlType.Q5_0 : GgmlType.Q8_0;
        }
        return GgmlType.F16;
    }

    /** Values rounded through {@code type} (identity for F32). */
    static float[] round(float[] v, GgmlType type) {
        if (type == GgmlType.F32) {
            return v;
        }
        MemorySegment tmp = MemorySegment.ofArray(new byte[(int) type.bytesFor(v.length)]);
        Quantize.encode(type, v, 0, v.length, tmp, 0);
        float[] out = new float[v.length];
        dev.reasoningrouter.engine.tensor.Dequant.row(
                dev.reasoningrouter.engine.tensor.WeightMatrix.of("round", type, 1, v.length, tmp), 0, out, 0);
        return out;
    }

    private static void vector(GgufWriter w, String name, Supplier<float[]> data) {
        long n = data.get().length; // small: norms and biases
        w.addTensor(name, new long[] {n}, GgmlType.F32, seg -> Quantize.encode(GgmlType.F32, data.get(), 0, (int) n, seg, 0));
    }

    private static void matrix(GgufWriter w, String name, long cols, long rows, GgmlType type, Supplier<float[]> data) {
        tensor3(w, name, new long[] {cols, rows}, type, data);
    }

    private static void tensor3(GgufWriter w, String name, long[] ne, GgmlType wanted, Supplier<float[]> data) {
        GgmlType t = storedType(wanted, ne[0]);
        int cols = (int) ne[0];
        w.addTensor(name, ne, t, seg -> {
            float[] v = data.get();
            int rows = v.length / cols;
            long rowBytes = t.bytesFor(cols);
            for (int r = 0; r < rows; r++) {
                Quantize.encode(t, v, r * cols, cols, seg, r * rowBytes);
            }
        });
    }

}
