package dev.reasoningrouter.engine.synth;

import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DeepSeek-V2/V3-architecture model given as its tensors under Hugging Face's names and shapes, which
 * {@link SyntheticGgufWriter} and {@link SyntheticSafetensorsWriter} store: a generated random-weight model
 * ({@link SyntheticModel}) or a trained one (the trainer module's export).
 */
public interface DeepSeekTensors {

    ModelConfig config();

    /** The model's name (GGUF {@code general.name}); a random-weight model's carries {@link SyntheticModel#MARKER}. */
    String name();

    /** The vocabulary the file carries, or null for none. */
    TokenizerVocabulary vocabulary();

    /** The values of a tensor of {@link #tensorShapes()} (row-major, torch layout). */
    float[] tensor(String name);

    /** Every tensor with its torch shape ({@code [out, in]} for matrices), in file order. */
    default Map<String, int[]> tensorShapes() {
        return huggingFaceShapes(config());
    }

    /** The tensors of a Hugging Face DeepSeek checkpoint of this configuration, in file order. */
    static Map<String, int[]> huggingFaceShapes(ModelConfig c) {
        int h = c.hiddenSize();
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("model.embed_tokens.weight", new int[] {c.vocabSize(), h});
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            m.put(p + "input_layernorm.weight", new int[] {h});
            int qOut = c.numHeads() * c.qkHeadDim();
            if (c.qLoraRank() > 0) {
                m.put(p + "self_attn.q_a_proj.weight", new int[] {c.qLoraRank(), h});
                m.put(p + "self_attn.q_a_layernorm.weight", new int[] {c.qLoraRank()});
                m.put(p + "self_attn.q_b_proj.weight", new int[] {qOut, c.qLoraRank()});
            } else {
                m.put(p + "self_attn.q_proj.weight", new int[] {qOut, h});
            }
            m.put(p + "self_attn.kv_a_proj_with_mqa.weight", new int[] {c.kvLoraRank() + c.qkRopeHeadDim(), h});
            m.put(p + "self_attn.kv_a_layernorm.weight", new int[] {c.kvLoraRank()});
            m.put(p + "self_attn.kv_b_proj.weight", new int[] {c.numHeads() * (c.qkNopeHeadDim() + c.vHeadDim()), c.kvLoraRank()});
            m.put(p + "self_attn.o_proj.weight", new int[] {h, c.numHeads() * c.vHeadDim()});
            m.put(p + "post_attention_layernorm.weight", new int[] {h});
            if (c.isMoeLayer(l)) {
                m.put(p + "mlp.gate.weight", new int[] {c.nRoutedExperts(), h});
                if (c.hasSelectionBias()) {
                    m.put(p + "mlp.gate.e_score_correction_bias", new int[] {c.nRoutedExperts()});
                }
                for (int e = 0; e < c.nRoutedExperts(); e++) {
                    String q = p + "mlp.experts." + e + ".";
                    m.put(q + "gate_proj.weight", new int[] {c.moeIntermediateSize(), h});
                    m.put(q + "up_proj.weight", new int[] {c.moeIntermediateSize(), h});
                    m.put(q + "down_proj.weight", new int[] {h, c.moeIntermediateSize()});
                }
                if (c.nSharedExperts() > 0) {
                    int si = c.moeIntermediateSize() * c.nSharedExperts();
                    m.put(p + "mlp.shared_experts.gate_proj.weight", new int[] {si, h});
                    m.put(p + "mlp.shared_experts.up_proj.weight", new int[] {si, h});
                    m.put(p + "mlp.shared_experts.down_proj.weight", new int[] {h, si});
                }
            } else {
                m.put(p + "mlp.gate_proj.weight", new int[] {c.intermediateSize(), h});
                m.put(p + "mlp.up_proj.weight", new int[] {c.intermediateSize(), h});
                m.put(p + "mlp.down_proj.weight", new int[] {h, c.intermediateSize()});
            }
        }
        m.put("model.norm.weight", new int[] {h});
        m.put("lm_head.weight", new int[] {c.vocabSize(), h});
        return m;
    }
}
