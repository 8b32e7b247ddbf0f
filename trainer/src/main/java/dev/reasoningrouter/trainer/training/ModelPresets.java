package dev.reasoningrouter.trainer.training;

import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;

/**
 * The model shapes the trainer builds, for a vocabulary. All are DeepSeek-V3-style (sigmoid gating with a selection
 * bias, renormalised top-k, one shared expert, q-LoRA, MLA with decoupled RoPE, the first layer dense), without YaRN;
 * every matrix row is a multiple of 32 values so the file quantises to Q8_0 throughout.
 * <ul>
 *   <li>{@code small}: the shipped model, d 192, 6 layers, 6 heads, 16 routed experts of width 128, top-4, context 512;</li>
 *   <li>{@code tiny}: for tests and smoke runs, d 64, 3 layers, 8 experts, top-2.</li>
 * </ul>
 */
public final class ModelPresets {
    private ModelPresets() {}

    public static ModelConfig named(String name, TokenizerVocabulary v) {
        return switch (name) {
            case "small" -> config(v, 192, 6, 6, 96, 64, 32, 16, 32, 512, 128, 16, 4, 512);
            case "tiny" -> config(v, 64, 3, 4, 32, 32, 16, 8, 16, 128, 32, 8, 2, 512);
            default -> throw new IllegalArgumentException("unknown model preset '" + name + "', expected small or tiny");
        };
    }

    static ModelConfig config(TokenizerVocabulary v, int hidden, int layers, int heads, int qLora, int kvLora, int nope,
                              int rope, int vHead, int denseInter, int expertInter, int experts, int topK, int context) {
        return new ModelConfig(v.tokens().size(), hidden, layers, heads, qLora, kvLora, nope, rope, vHead, denseInter,
                expertInter, experts, 1, topK, 1, ModelConfig.Gating.SIGMOID, true, true, 1.0f, 1, 1, true, 1e-6f, 10000f, 1f,
                context, 32f, 1f, 1f, context, v.bosId(), v.eosId());
    }
}
