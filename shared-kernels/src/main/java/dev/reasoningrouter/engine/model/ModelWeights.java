package dev.reasoningrouter.engine.model;

import dev.reasoningrouter.engine.tensor.WeightMatrix;

/**
 * All weights of a model, read in place from the model file(s). Norm weights and the router's selection bias are
 * small and live on the heap; every matrix is a view over mapped file bytes.
 */
public record ModelWeights(WeightMatrix tokenEmbedding, float[] outputNorm, WeightMatrix output, Layer[] layers) {

    public record Layer(Attention attention, float[] ffnNorm, Ffn dense, Moe moe) {}

    /**
     * Multi-head latent attention. Either {@code wq} (no q-LoRA) or {@code wqA}/{@code qANorm}/{@code wqB}.
     * {@code keyUp[h]} maps the latent to head h's non-rotary key: when {@code keyUpTransposed} it is stored as
     * (kv_lora x qk_nope), llama.cpp's split {@code attn_k_b}; otherwise as (qk_nope x kv_lora), rows of
     * {@code attn_kv_b}/{@code kv_b_proj}. {@code valueUp[h]} is (v_head x kv_lora) either way.
     */
    public record Attention(float[] norm, WeightMatrix wq, WeightMatrix wqA, float[] qANorm, WeightMatrix wqB,
                            WeightMatrix wkvA, float[] kvANorm, WeightMatrix[] keyUp, boolean keyUpTransposed,
                            WeightMatrix[] valueUp, WeightMatrix wo) {}

    /** A SwiGLU feed-forward: down(silu(gate x) * up x). */
    public record Ffn(WeightMatrix gate, WeightMatrix up, WeightMatrix down) {}

    /** DeepSeekMoE: router, optional selection bias, routed experts, optional shared experts (one fused FFN). */
    public record Moe(WeightMatrix router, float[] selectionBias, Ffn[] experts, Ffn shared) {}
}
