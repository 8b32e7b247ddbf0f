package dev.reasoningrouter.engine.synth;

import dev.reasoningrouter.engine.format.safetensors.SafetensorsWriter;
import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tensor.Quantize;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a {@link DeepSeekTensors} model (a {@link SyntheticModel} or a trained one) as a Hugging Face DeepSeek-V3
 * checkpoint directory: {@code config.json}, sharded
 * {@code model-0000i-of-0000n.safetensors} and {@code model.safetensors.index.json}. With type FP8 the linear weights
 * are E4M3 with {@code weight_scale_inv} 128x128 block scales, as DeepSeek-V3 ships (embeddings, LM head and router
 * stay BF16, norms BF16, the selection bias F32).
 */
public final class SyntheticSafetensorsWriter {
    private SyntheticSafetensorsWriter() {}

    public static final long DEFAULT_SHARD_BYTES = 2L << 30;

    public static void write(DeepSeekTensors m, GgmlType type, Path dir) throws IOException {
        write(m, type, dir, DEFAULT_SHARD_BYTES);
    }

    public static void write(DeepSeekTensors m, GgmlType type, Path dir, long shardBytes) throws IOException {
        if (type != GgmlType.F32 && type != GgmlType.F16 && type != GgmlType.BF16 && type != GgmlType.FP8_E4M3_B128) {
            throw new IllegalArgumentException("safetensors checkpoints take f32, f16, bf16 or fp8, not " + type.name().toLowerCase());
        }
        Files.createDirectories(dir);
        boolean fp8 = type == GgmlType.FP8_E4M3_B128;
        List<SafetensorsWriter> shards = new ArrayList<>();
        SafetensorsWriter cur = new SafetensorsWriter();
        for (Map.Entry<String, int[]> e : m.tensorShapes().entrySet()) {
            String name = e.getKey();
            int[] s = e.getValue();
            long[] shape = new long[s.length];
            long n = 1;
            for (int i = 0; i < s.length; i++) {
                shape[i] = s[i];
                n *= s[i];
            }
            if (!cur.isEmpty() && cur.dataBytes() + n * 4 > shardBytes) {
                shards.add(cur);
                cur = new SafetensorsWriter();
            }
            boolean linear = s.length == 2 && !name.equals("model.embed_tokens.weight") && !name.equals("lm_head.weight")
                    && !name.endsWith("mlp.gate.weight");
            if (name.endsWith("e_score_correction_bias")) {
                cur.add(name, "F32", shape, seg -> Quantize.encode(GgmlType.F32, m.tensor(name), 0, (int) shape[0], seg, 0));
            } else if (fp8 && linear) {
                int rows = s[0], cols = s[1];
                long[] scaleShape = {(rows + 127) / 128, (cols + 127) / 128};
                float[][] scales = new float[1][];
                cur.add(name, "F8_E4M3", shape, seg -> scales[0] = Quantize.encodeFp8(m.tensor(name), rows, cols, seg, 0));
                cur.add(name + "_scale_inv", "F32", scaleShape, seg -> {
                    float[] sc = scales[0] != null ? scales[0]
                            : Quantize.encodeFp8(m.tensor(name), rows, cols, MemorySegment.ofArray(new byte[rows * cols]), 0);
                    MemorySegment.copy(sc, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, sc.length);
                });
            } else {
                GgmlType t = fp8 ? GgmlType.BF16 : type;
                String dtype = switch (t) {
                    case F32 -> "F32";
                    case F16 -> "F16";
                    default -> "BF16";
                };
                cur.add(name, dtype, shape, seg -> Quantize.encode(t, m.tensor(name), 0, (int) shape.length == 1 ? (int) shape[0]
                        : (int) (shape[0] * shape[1]), seg, 0));
            }
        }
        shards.add(cur);
        Map<String, String> weightMap = new LinkedHashMap<>();
        long totalBytes = 0;
        for (int i = 0; i < shards.size(); i++) {
            String file = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            shards.get(i).write(dir.resolve(file));
            totalBytes += shards.get(i).dataBytes();
            for (String name : shards.get(i).names()) {
                weightMap.put(name, file);
            }
        }
        JsonMapper json = JsonMapper.builder().build();
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("metadata", Map.of("total_size", totalBytes));
        index.put("weight_map", weightMap);
        Files.writeString(dir.resolve("model.safetensors.index.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(index));
        Files.writeString(dir.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(hfConfig(m, fp8)));
    }

    static Map<String, Object> hfConfig(DeepSeekTensors m, boolean fp8) {
        ModelConfig c = m.config();
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("architectures", List.of("DeepseekV3ForCausalLM"));
        j.put("model_type", "deepseek_v3");
        j.put("rr_description", m.name());
        j.put("vocab_size", c.vocabSize());
        j.put("hidden_size", c.hiddenSize());
        j.put("intermediate_size", c.intermediateSize());
        j.put("moe_intermediate_size", c.moeIntermediateSize());
        j.put("num_hidden_layers", c.numLayers());
        j.put("num_attention_heads", c.numHeads());
        j.put("num_key_value_heads", c.numHeads());
        j.put("n_shared_experts", c.nSharedExperts());
        j.put("n_routed_experts", c.nRoutedExperts());
        j.put("routed_scaling_factor", c.routedScalingFactor());
        j.put("kv_lora_rank", c.kvLoraRank());
        j.put("q_lora_rank", c.qLoraRank() > 0 ? c.qLoraRank() : null);
        j.put("qk_rope_head_dim", c.qkRopeHeadDim());
        j.put("v_head_dim", c.vHeadDim());
        j.put("qk_nope_head_dim", c.qkNopeHeadDim());
        j.put("topk_method", c.hasSelectionBias() ? "noaux_tc" : c.nGroup() > 1 ? "group_limited_greedy" : "greedy");
        j.put("n_group", c.nGroup());
        j.put("topk_group", c.topkGroup());
        j.put("num_experts_per_tok", c.numExpertsPerTok());
        j.put("first_k_dense_replace", c.firstKDenseReplace());
        j.put("norm_topk_prob", c.normTopKProb());
        j.put("scoring_func", c.scoringFunc() == ModelConfig.Gating.SIGMOID ? "sigmoid" : "softmax");
        j.put("hidden_act", "silu");
        j.put("max_position_embeddings", c.maxContext());
        j.put("rms_norm_eps", c.rmsNormEps());
        j.put("rope_theta", c.ropeTheta());
        if (c.ropeScalingFactor() > 1) {
            Map<String, Object> rs = new LinkedHashMap<>();
            rs.put("type", "yarn");
            rs.put("factor", c.ropeScalingFactor());
            rs.put("original_max_position_embeddings", c.ropeOriginalContext());
            rs.put("beta_fast", c.yarnBetaFast());
            rs.put("beta_slow", c.yarnBetaSlow());
            rs.put("mscale", c.yarnMscaleAllDim());
            rs.put("mscale_all_dim", c.yarnMscaleAllDim());
            j.put("rope_scaling", rs);
        } else {
            j.put("rope_scaling", null);
        }
        j.put("bos_token_id", c.bosTokenId());
        j.put("eos_token_id", c.eosTokenId());
        j.put("tie_word_embeddings", false);
        j.put("torch_dtype", "bfloat16");
        if (fp8) {
            j.put("quantization_config", Map.of("activation_scheme", "dynamic", "fmt", "e4m3", "quant_method", "fp8",
                    "weight_block_size", List.of(128, 128)));
        }
        return j;
    }
}
