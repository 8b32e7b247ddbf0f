package dev.reasoningrouter.engine.model;

import dev.reasoningrouter.engine.format.ModelFormatException;
import dev.reasoningrouter.engine.format.gguf.GgufFile;
import dev.reasoningrouter.engine.format.gguf.GgufTensorInfo;
import dev.reasoningrouter.engine.tensor.WeightMatrix;

/**
 * Reads a llama.cpp {@code deepseek2} GGUF: the {@code deepseek2.*} hyper-parameters and the {@code blk.N.*} tensors,
 * in either MLA layout (split {@code attn_k_b}/{@code attn_v_b}, or the older fused {@code attn_kv_b}).
 */
public final class GgufModelLoader {
    private GgufModelLoader() {}

    public static final String ARCH = "deepseek2";

    public static ModelConfig config(GgufFile f) {
        String arch = f.getString("general.architecture");
        if (!ARCH.equals(arch)) {
            throw new ModelFormatException("file " + f.path() + ": metadata key 'general.architecture' is '" + arch
                    + "', expected 'deepseek2' (DeepSeek-V2/V3 family)");
        }
        String p = ARCH + ".";
        int hidden = f.getInt(p + "embedding_length");
        int layers = f.getInt(p + "block_count");
        int heads = f.getInt(p + "attention.head_count");
        int ropeDim = f.getInt(p + "rope.dimension_count");
        int kvLora = f.getInt(p + "attention.kv_lora_rank");
        int qLora = f.getInt(p + "attention.q_lora_rank", 0);
        int nope, vHead;
        if (f.has(p + "attention.key_length_mla")) {
            nope = f.getInt(p + "attention.key_length_mla") - ropeDim;
            vHead = f.getInt(p + "attention.value_length_mla");
        } else {
            nope = f.getInt(p + "attention.key_length") - ropeDim;
            vHead = f.getInt(p + "attention.value_length");
        }
        GgufTensorInfo embd = f.tensor("token_embd.weight");
        int vocab = f.getInt(p + "vocab_size", (int) embd.shape()[embd.shape().length - 1]);
        int nExperts = f.getInt(p + "expert_count", 0);
        int gatingId = f.getInt(p + "expert_gating_func", 1);
        if (gatingId != 1 && gatingId != 2) {
            throw new ModelFormatException("file " + f.path() + ": metadata key '" + p + "expert_gating_func' is " + gatingId
                    + ", expected 1 (softmax) or 2 (sigmoid)");
        }
        int leading = f.getInt(p + "leading_dense_block_count", nExperts == 0 ? layers : 0);
        boolean bias = false;
        for (int l = leading; l < layers; l++) {
            bias |= f.tensors().containsKey("blk." + l + ".exp_probs_b.bias");
        }
        String scaling = f.getString(p + "rope.scaling.type", "none");
        float factor = 1f;
        int origCtx = f.getInt(p + "context_length", 4096);
        float logMul = 0f;
        if (scaling.equals("yarn")) {
            factor = (float) f.getDouble(p + "rope.scaling.factor", 1.0);
            origCtx = f.getInt(p + "rope.scaling.original_context_length", origCtx);
            logMul = (float) f.getDouble(p + "rope.scaling.yarn_log_multiplier", 0.0);
        } else if (!scaling.equals("none")) {
            throw new ModelFormatException("file " + f.path() + ": metadata key '" + p + "rope.scaling.type' is '" + scaling
                    + "', expected 'yarn' or 'none'");
        }
        try {
            return new ModelConfig(vocab, hidden, layers, heads, qLora, kvLora, nope, ropeDim, vHead,
                    f.getInt(p + "feed_forward_length", 0), f.getInt(p + "expert_feed_forward_length", 0), nExperts,
                    f.getInt(p + "expert_shared_count", 0), f.getInt(p + "expert_used_count", 0), leading,
                    gatingId == 2 ? ModelConfig.Gating.SIGMOID : ModelConfig.Gating.SOFTMAX, bias,
                    f.getBool(p + "expert_weights_norm", false), (float) f.getDouble(p + "expert_weights_scale", 1.0),
                    f.getInt(p + "expert_group_count", 1), f.getInt(p + "expert_group_used_count", 1), bias,
                    (float) f.getDouble(p + "attention.layer_norm_rms_epsilon", 1e-6),
                    (float) f.getDouble(p + "rope.freq_base", 10000.0), factor, origCtx,
                    (float) f.getDouble(p + "rope.scaling.yarn_beta_fast", 32.0),
                    (float) f.getDouble(p + "rope.scaling.yarn_beta_slow", 1.0), logMul / 0.1f,
                    f.getInt(p + "context_length", 4096),
                    f.getInt("tokenizer.ggml.bos_token_id", -1), f.getInt("tokenizer.ggml.eos_token_id", -1));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("file " + f.path() + ": " + e.getMessage(), e);
        }
    }

    public static ModelWeights weights(GgufFile f, ModelConfig c) {
        int h = c.hiddenSize(), heads = c.numHeads(), lora = c.kvLoraRank(), rope = c.qkRopeHeadDim();
        int nope = c.qkNopeHeadDim(), vd = c.vHeadDim(), hd = c.qkHeadDim();
        WeightMatrix embd = f.matrix("token_embd.weight", c.vocabSize(), h);
        WeightMatrix output = f.tensors().containsKey("output.weight") ? f.matrix("output.weight", c.vocabSize(), h) : embd;
        ModelWeights.Layer[] layers = new ModelWeights.Layer[c.numLayers()];
        for (int l = 0; l < c.numLayers(); l++) {
            String b = "blk." + l + ".";
            WeightMatrix wq = null, wqA = null, wqB = null;
            float[] qANorm = null;
            if (c.qLoraRank() > 0) {
                wqA = f.matrix(b + "attn_q_a.weight", c.qLoraRank(), h);
                qANorm = f.vector(b + "attn_q_a_norm.weight", c.qLoraRank());
                wqB = f.matrix(b + "attn_q_b.weight", (long) heads * hd, c.qLoraRank());
            } else {
                wq = f.matrix(b + "attn_q.weight", (long) heads * hd, h);
            }
            WeightMatrix[] keyUp, valueUp;
            boolean transposed;
            if (f.tensors().containsKey(b + "attn_k_b.weight")) {
                keyUp = f.matrices(b + "attn_k_b.weight", heads, lora, nope);
                valueUp = f.matrices(b + "attn_v_b.weight", heads, vd, lora);
                transposed = true;
            } else if (f.tensors().containsKey(b + "attn_kv_b.weight")) {
                WeightMatrix kvb = f.matrix(b + "attn_kv_b.weight", (long) heads * (nope + vd), lora);
                keyUp = new WeightMatrix[heads];
                valueUp = new WeightMatrix[heads];
                for (int i = 0; i < heads; i++) {
                    keyUp[i] = kvb.rowRange(i * (nope + vd), nope);
                    valueUp[i] = kvb.rowRange(i * (nope + vd) + nope, vd);
                }
                transposed = false;
            } else {
                throw new ModelFormatException("file " + f.path() + ": layer " + l + " has neither tensor '" + b
                        + "attn_k_b.weight' (with attn_v_b) nor '" + b + "attn_kv_b.weight'");
            }
            ModelWeights.Attention attn = new ModelWeights.Attention(
                    f.vector(b + "attn_norm.weight", h), wq, wqA, qANorm, wqB,
                    f.matrix(b + "attn_kv_a_mqa.weight", lora + rope, h),
                    f.vector(b + "attn_kv_a_norm.weight", lora), keyUp, transposed, valueUp,
                    f.matrix(b + "attn_output.weight", h, (long) heads * vd));
            float[] ffnNorm = f.vector(b + "ffn_norm.weight", h);
            if (c.isMoeLayer(l)) {
                int mi = c.moeIntermediateSize(), ne = c.nRoutedExperts();
                WeightMatrix[] g = f.matrices(b + "ffn_gate_exps.weight", ne, mi, h);
                WeightMatrix[] u = f.matrices(b + "ffn_up_exps.weight", ne, mi, h);
                WeightMatrix[] d = f.matrices(b + "ffn_down_exps.weight", ne, h, mi);
                ModelWeights.Ffn[] experts = new ModelWeights.Ffn[ne];
                for (int e = 0; e < ne; e++) {
                    experts[e] = new ModelWeights.Ffn(g[e], u[e], d[e]);
                }
                ModelWeights.Ffn shared = null;
                if (c.nSharedExperts() > 0) {
                    int si = mi * c.nSharedExperts();
                    shared = new ModelWeights.Ffn(f.matrix(b + "ffn_gate_shexp.weight", si, h),
                            f.matrix(b + "ffn_up_shexp.weight", si, h), f.matrix(b + "ffn_down_shexp.weight", h, si));
                }
                float[] bias = c.hasSelectionBias() ? f.vector(b + "exp_probs_b.bias", ne) : null;
                layers[l] = new ModelWeights.Layer(attn, ffnNorm, null,
                        new ModelWeights.Moe(f.matrix(b + "ffn_gate_inp.weight", ne, h), bias, experts, shared));
            } else {
                int di = c.intermediateSize();
                layers[l] = new ModelWeights.Layer(attn, ffnNorm, new ModelWeights.Ffn(f.matrix(b + "ffn_gate.weight", di, h),
                        f.matrix(b + "ffn_up.weight", di, h), f.matrix(b + "ffn_down.weight", h, di)), null);
            }
        }
        return new ModelWeights(embd, f.vector("output_norm.weight", h), output, layers);
    }
}
