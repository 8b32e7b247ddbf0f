package dev.reasoningrouter.engine.model;

/**
 * The hyper-parameters of a DeepSeek-V2/V3-architecture model, named after Hugging Face's {@code config.json}
 * (llama.cpp's {@code deepseek2.*} GGUF keys map onto the same fields, see {@link GgufModelLoader#config}).
 *
 * @param qLoraRank        0 when queries are projected directly (V2-Lite), else the q-LoRA rank (V2, V3)
 * @param kvLoraRank       the width of the MLA latent (512 in the real models)
 * @param firstKDenseReplace how many leading layers use a dense FFN instead of MoE
 * @param topKMethodGroupSum how a group is scored for group-limited routing: true = sum of its two best
 *                         selection scores (V3's {@code noaux_tc}), false = its best score (V2's {@code group_limited_greedy})
 * @param ropeScalingFactor YaRN factor (1 = no scaling)
 * @param yarnMscaleAllDim YaRN's {@code mscale_all_dim}; the softmax scale is multiplied by
 *                         {@code (1 + 0.1 * mscaleAllDim * ln(factor))^2}
 */
public record ModelConfig(
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int qLoraRank,
        int kvLoraRank,
        int qkNopeHeadDim,
        int qkRopeHeadDim,
        int vHeadDim,
        int intermediateSize,
        int moeIntermediateSize,
        int nRoutedExperts,
        int nSharedExperts,
        int numExpertsPerTok,
        int firstKDenseReplace,
        Gating scoringFunc,
        boolean hasSelectionBias,
        boolean normTopKProb,
        float routedScalingFactor,
        int nGroup,
        int topkGroup,
        boolean topKMethodGroupSum,
        float rmsNormEps,
        float ropeTheta,
        float ropeScalingFactor,
        int ropeOriginalContext,
        float yarnBetaFast,
        float yarnBetaSlow,
        float yarnMscaleAllDim,
        int maxContext,
        int bosTokenId,
        int eosTokenId) {

    public enum Gating { SOFTMAX, SIGMOID }

    public ModelConfig {
        require(vocabSize > 0, "vocab_size > 0");
        require(hiddenSize > 0 && numLayers > 0 && numHeads > 0, "hidden_size, num_hidden_layers, num_attention_heads > 0");
        require(kvLoraRank > 0 && qkRopeHeadDim > 0 && qkRopeHeadDim % 2 == 0, "kv_lora_rank > 0 and an even qk_rope_head_dim");
        require(qkNopeHeadDim > 0 && vHeadDim > 0, "qk_nope_head_dim, v_head_dim > 0");
        require(firstKDenseReplace >= 0 && firstKDenseReplace <= numLayers, "0 <= first_k_dense_replace <= num_hidden_layers");
        if (firstKDenseReplace < numLayers) {
            require(nRoutedExperts > 0 && numExpertsPerTok > 0 && numExpertsPerTok <= nRoutedExperts,
                    "1 <= num_experts_per_tok <= n_routed_experts");
            require(nGroup >= 1 && nRoutedExperts % nGroup == 0, "n_group divides n_routed_experts");
            require(topkGroup >= 1 && topkGroup <= nGroup, "1 <= topk_group <= n_group");
            require(numExpertsPerTok <= topkGroup * (nRoutedExperts / nGroup), "top-k fits in the selected groups");
        }
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("invalid model configuration: expected " + what);
        }
    }

    public int qkHeadDim() {
        return qkNopeHeadDim + qkRopeHeadDim;
    }

    public boolean isMoeLayer(int layer) {
        return layer >= firstKDenseReplace;
    }

    public int moeLayerCount() {
        return numLayers - firstKDenseReplace;
    }

    /** YaRN's attention-magnitude factor for the softmax scale (1 without scaling). */
    public double yarnMscale() {
        if (ropeScalingFactor <= 1) {
            return 1.0;
        }
        return 1.0 + 0.1 * yarnMscaleAllDim * Math.log(ropeScalingFactor);
    }

    /** The softmax scale of attention scores: mscale^2 / sqrt(qk head dim). */
    public double softmaxScale() {
        double m = yarnMscale();
        return m * m / Math.sqrt(qkHeadDim());
    }
}
