package dev.reasoningrouter.trainer.export;

import dev.reasoningrouter.engine.format.gguf.GgufFile;
import dev.reasoningrouter.engine.format.gguf.GgufTensorInfo;
import dev.reasoningrouter.engine.model.GgufModelLoader;
import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.model.TokenizerLoader;
import dev.reasoningrouter.engine.synth.SyntheticGgufWriter;
import dev.reasoningrouter.engine.synth.SyntheticSafetensorsWriter;
import dev.reasoningrouter.engine.tensor.Dequant;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tensor.WeightMatrix;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabularies;
import dev.reasoningrouter.trainer.nn.Parameter;
import dev.reasoningrouter.trainer.nn.TrainableModel;
import dev.reasoningrouter.trainer.training.Checkpoint;
import dev.reasoningrouter.trainer.training.RunHeader;
import dev.reasoningrouter.trainer.training.Trainer;
import dev.reasoningrouter.trainer.vocab.VocabularyJson;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a trained model in the forms the engine serves: a llama.cpp {@code deepseek2} GGUF carrying its tokenizer,
 * and a Hugging Face safetensors checkpoint directory with {@code config.json}, {@code tokenizer.json} and
 * {@code tokenizer_config.json}. Both go through the engine's own writers, so the files are laid out exactly as the
 * engine (and llama.cpp) read them.
 */
public final class ModelExport {
    private ModelExport() {}

    /** The trained model of a run folder at its last checkpoint. */
    public static TrainedTensors fromRun(Path runDir) throws IOException {
        RunHeader header = Checkpoint.readHeader(runDir);
        TrainableModel model = new TrainableModel(header.model());
        Checkpoint.restore(runDir, model, null);
        return new TrainedTensors(model, VocabularyJson.read(runDir.resolve(Trainer.VOCAB_FILE)), name(header));
    }

    /**
     * A model file the engine serves, read back into the trainer: every GGUF tensor dequantised to floats and put
     * under its Hugging Face name, undoing the writer's layout (per-head {@code attn_k_b} transposed back and joined
     * with {@code attn_v_b} into {@code kv_b_proj}; stacked experts split). So a shipped file can be checked against
     * the trainer's forward pass after its training run folder is gone: both then compute on the same (dequantised)
     * weights.
     */
    public static TrainedTensors fromGguf(Path file) {
        try (GgufFile f = GgufFile.open(file)) {
            ModelConfig c = GgufModelLoader.config(f);
            TrainableModel model = new TrainableModel(c);
            for (Parameter p : model.parameters()) {
                float[] v = hfTensor(f, c, p.name());
                if (v.length != p.value().length) {
                    throw new IllegalArgumentException(file + ": " + p.name() + " has " + v.length + " values, expected "
                            + p.value().length);
                }
                System.arraycopy(v, 0, p.value(), 0, v.length);
            }
            model.refresh();
            return new TrainedTensors(model, TokenizerLoader.fromGguf(f).orElseThrow(
                    () -> new IllegalArgumentException(file + " carries no tokenizer")), f.getString("general.name", file.toString()));
        }
    }

    private static float[] hfTensor(GgufFile f, ModelConfig c, String name) {
        if (name.equals("model.embed_tokens.weight")) {
            return floats(f, "token_embd.weight");
        }
        if (name.equals("model.norm.weight")) {
            return floats(f, "output_norm.weight");
        }
        if (name.equals("lm_head.weight")) {
            return floats(f, f.tensors().containsKey("output.weight") ? "output.weight" : "token_embd.weight");
        }
        String[] parts = name.split("\\.", 4); // model, layers, L, rest
        String b = "blk." + parts[2] + ".";
        String rest = parts[3];
        int heads = c.numHeads(), nope = c.qkNopeHeadDim(), vd = c.vHeadDim(), lora = c.kvLoraRank();
        if (rest.equals("self_attn.kv_b_proj.weight")) {
            float[] kb = floats(f, b + "attn_k_b.weight"); // [heads][lora][nope]
            float[] vb = floats(f, b + "attn_v_b.weight"); // [heads][vd][lora]
            float[] kvb = new float[heads * (nope + vd) * lora];
            for (int h = 0; h < heads; h++) {
                for (int j = 0; j < nope; j++) {
                    for (int r = 0; r < lora; r++) {
                        kvb[(h * (nope + vd) + j) * lora + r] = kb[(h * lora + r) * nope + j];
                    }
                }
                System.arraycopy(vb, h * vd * lora, kvb, (h * (nope + vd) + nope) * lora, vd * lora);
            }
            return kvb;
        }
        if (rest.startsWith("mlp.experts.")) {
            String[] e = rest.split("\\."); // mlp, experts, E, gate_proj, weight
            int expert = Integer.parseInt(e[2]);
            String proj = e[3].substring(0, e[3].indexOf('_'));
            float[] all = floats(f, b + "ffn_" + proj + "_exps.weight");
            int per = all.length / c.nRoutedExperts();
            float[] one = new float[per];
            System.arraycopy(all, expert * per, one, 0, per);
            return one;
        }
        String gguf = switch (rest) {
            case "input_layernorm.weight" -> "attn_norm.weight";
            case "self_attn.q_a_proj.weight" -> "attn_q_a.weight";
            case "self_attn.q_a_layernorm.weight" -> "attn_q_a_norm.weight";
            case "self_attn.q_b_proj.weight" -> "attn_q_b.weight";
            case "self_attn.q_proj.weight" -> "attn_q.weight";
            case "self_attn.kv_a_proj_with_mqa.weight" -> "attn_kv_a_mqa.weight";
            case "self_attn.kv_a_layernorm.weight" -> "attn_kv_a_norm.weight";
            case "self_attn.o_proj.weight" -> "attn_output.weight";
            case "post_attention_layernorm.weight" -> "ffn_norm.weight";
            case "mlp.gate.weight" -> "ffn_gate_inp.weight";
            case "mlp.gate.e_score_correction_bias" -> "exp_probs_b.bias";
            case "mlp.shared_experts.gate_proj.weight" -> "ffn_gate_shexp.weight";
            case "mlp.shared_experts.up_proj.weight" -> "ffn_up_shexp.weight";
            case "mlp.shared_experts.down_proj.weight" -> "ffn_down_shexp.weight";
            case "mlp.gate_proj.weight" -> "ffn_gate.weight";
            case "mlp.up_proj.weight" -> "ffn_up.weight";
            case "mlp.down_proj.weight" -> "ffn_down.weight";
            default -> throw new IllegalArgumentException("no GGUF tensor for " + name);
        };
        return floats(f, b + gguf);
    }

    /** A whole tensor dequantised, in its stored row-major order (rows of {@code shape[0]} values). */
    private static float[] floats(GgufFile f, String name) {
        GgufTensorInfo t = f.tensor(name);
        int cols = (int) t.shape()[0];
        int rows = (int) (t.elementCount() / cols);
        WeightMatrix m = WeightMatrix.of(name, t.type(), rows, cols, f.tensorData(t));
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            Dequant.row(m, r, out, r * cols);
        }
        return out;
    }

    /** The model's name in its files; unlike a random-weight test model's, it carries no warning marker. */
    public static String name(RunHeader h) {
        return "rr-tasks-" + h.preset() + " (Reasoning Router's own DeepSeek-V3-architecture model, trained on generated "
                + "arithmetic and logic tasks; seed " + h.vocabSeed() + ", step " + h.step() + ")";
    }

    public static void gguf(TrainedTensors t, GgmlType type, Path out) throws IOException {
        SyntheticGgufWriter.write(t, type, out);
    }

    public static void safetensors(TrainedTensors t, GgmlType type, Path dir) throws IOException {
        SyntheticSafetensorsWriter.write(t, type, dir);
        TokenizerVocabularies.writeHuggingFace(t.vocabulary(), dir);
    }
}
