package dev.reasoningrouter.engine.model;

import dev.reasoningrouter.engine.format.ModelFormatException;
import dev.reasoningrouter.engine.format.safetensors.SafetensorsFile;
import dev.reasoningrouter.engine.tensor.Dequant;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tensor.WeightMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a Hugging Face DeepSeek-V2/V3 checkpoint directory: {@code config.json} plus one or more
 * {@code *.safetensors} shards (listed by {@code model.safetensors.index.json} when present). Weights in F32, F16,
 * BF16, or FP8 E4M3 with {@code weight_scale_inv} 128x128 block scales are read in place.
 */
final class SafetensorsModelLoader {
    private SafetensorsModelLoader() {}

    /** Maps and parses a checkpoint directory; on failure nothing stays mapped. */
    static ModelFiles open(Path dir) {
        Path configPath = dir.resolve("config.json");
        if (!Files.isRegularFile(configPath)) {
            throw new ModelFormatException("checkpoint directory " + dir + " has no config.json");
        }
        JsonNode cfg;
        try {
            cfg = JsonMapper.builder().build().readTree(Files.readString(configPath));
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("file " + configPath + " does not parse as JSON: " + e.getMessage(), e);
        }
        ModelConfig config = config(configPath, cfg);
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            Map<String, SafetensorsFile.Entry> all = new HashMap<>();
            for (Path p : shardFiles(dir)) {
                SafetensorsFile f = SafetensorsFile.open(p);
                files.add(f);
                for (SafetensorsFile.Entry e : f.tensors().values()) {
                    if (all.put(e.name(), e) != null) {
                        throw new ModelFormatException("checkpoint " + dir + ": tensor '" + e.name() + "' appears in more than one shard");
                    }
                }
            }
            ModelWeights weights = new Reader(dir, all).weights(config);
            String desc = cfg.path("rr_description").asString(dir.getFileName().toString());
            return new ModelFiles(dir.toString(), "safetensors", config, weights, null, desc, () -> {
                for (SafetensorsFile f : files) {
                    f.close();
                }
            }, () -> files.forEach(SafetensorsFile::prefault));
        } catch (RuntimeException e) {
            for (SafetensorsFile f : files) {
                f.close();
            }
            throw e;
        }
    }

    private static List<Path> shardFiles(Path dir) {
        Path index = dir.resolve("model.safetensors.index.json");
        try {
            if (Files.isRegularFile(index)) {
                JsonNode idx = JsonMapper.builder().build().readTree(Files.readString(index));
                JsonNode map = idx.path("weight_map");
                if (!map.isObject()) {
                    throw new ModelFormatException("file " + index + ": key 'weight_map' is missing or not an object");
                }
                Set<String> names = new LinkedHashSet<>();
                for (Map.Entry<String, JsonNode> e : map.properties()) {
                    names.add(e.getValue().asString());
                }
                List<Path> out = new ArrayList<>();
                for (String n : names) {
                    Path p = dir.resolve(n);
                    if (!Files.isRegularFile(p)) {
                        throw new ModelFormatException("file " + index + " lists shard '" + n + "', which does not exist in " + dir);
                    }
                    out.add(p);
                }
                return out;
            }
            try (Stream<Path> s = Files.list(dir)) {
                List<Path> out = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
                if (out.isEmpty()) {
                    throw new ModelFormatException("checkpoint directory " + dir + " has no *.safetensors files");
                }
                return out;
            }
        } catch (IOException e) {
            throw new ModelFormatException("checkpoint directory " + dir + ": " + e.getMessage(), e);
        }
    }

    static ModelConfig config(Path file, JsonNode j) {
        try {
            String scoring = j.path("scoring_func").asString("softmax");
            if (!scoring.equals("softmax") && !scoring.equals("sigmoid")) {
                throw new ModelFormatException("file " + file + ": key 'scoring_func' is '" + scoring + "', expected softmax or sigmoid");
            }
            String topkMethod = j.path("topk_method").asString("greedy");
            JsonNode rs = j.path("rope_scaling");
            float factor = 1f, betaFast = 32f, betaSlow = 1f, mscaleAll = 0f;
            int orig = j.path("max_position_embeddings").asInt(4096);
            if (rs.isObject()) {
                String type = rs.path("type").asString(rs.path("rope_type").asString(""));
                if (!type.equals("yarn")) {
                    throw new ModelFormatException("file " + file + ": key 'rope_scaling.type' is '" + type + "', expected yarn");
                }
                factor = (float) rs.path("factor").asDouble(1.0);
                orig = rs.path("original_max_position_embeddings").asInt(orig);
                betaFast = (float) rs.path("beta_fast").asDouble(32);
                betaSlow = (float) rs.path("beta_slow").asDouble(1);
                mscaleAll = (float) rs.path("mscale_all_dim").asDouble(0);
            }
            int experts = j.path("n_routed_experts").asInt(0);
            boolean bias = topkMethod.equals("noaux_tc");
            return new ModelConfig(req(file, j, "vocab_size"), req(file, j, "hidden_size"), req(file, j, "num_hidden_layers"),
                    req(file, j, "num_attention_heads"), j.path("q_lora_rank").isNumber() ? j.path("q_lora_rank").asInt() : 0,
                    req(file, j, "kv_lora_rank"), req(file, j, "qk_nope_head_dim"), req(file, j, "qk_rope_head_dim"),
                    req(file, j, "v_head_dim"), j.path("intermediate_size").asInt(0), j.path("moe_intermediate_size").asInt(0),
                    experts, j.path("n_shared_experts").asInt(0), j.path("num_experts_per_tok").asInt(0),
                    experts == 0 ? req(file, j, "num_hidden_layers") : j.path("first_k_dense_replace").asInt(0),
                    scoring.equals("sigmoid") ? ModelConfig.Gating.SIGMOID : ModelConfig.Gating.SOFTMAX, bias,
                    j.path("norm_topk_prob").asBoolean(false), (float) j.path("routed_scaling_factor").asDouble(1.0),
                    j.path("n_group").asInt(1), j.path("topk_group").asInt(1), bias,
                    (float) j.path("rms_norm_eps").asDouble(1e-6), (float) j.path("rope_theta").asDouble(10000),
                    factor, orig, betaFast, betaSlow, mscaleAll, j.path("max_position_embeddings").asInt(4096),
                    j.path("bos_token_id").asInt(-1), j.path("eos_token_id").asInt(-1));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("file " + file + ": " + e.getMessage(), e);
        }
    }

    private static int req(Path file, JsonNode j, String key) {
        JsonNode n = j.get(key);
        if (n == null || !n.isNumber()) {
            throw new ModelFormatException("file " + file + ": key '" + key + "' is missing or not a number");
        }
        return n.asInt();
    }

    private record Reader(Path dir, Map<String, SafetensorsFile.Entry> all) {

        SafetensorsFile.Entry entry(String name) {
            SafetensorsFile.Entry e = all.get(name);
            if (e == null) {
                throw new ModelFormatException("checkpoint " + dir + ": tensor '" + name + "' is missing");
            }
            return e;
        }

        WeightMatrix matrix(String name, int rows, int cols) {
            SafetensorsFile.Entry e = entry(name);
            if (e.shape().length != 2 || e.shape()[0] != rows || e.shape()[1] != cols) {
                throw new ModelFormatException("checkpoint " + dir + ": tensor '" + name + "' has shape " + java.util.Arrays.toString(e.shape())
                        + ", expected [" + rows + ", " + cols + "]");
            }
            return switch (e.dtype()) {
                case "F32" -> WeightMatrix.of(name, GgmlType.F32, rows, cols, e.data());
                case "F16" -> WeightMatrix.of(name, GgmlType.F16, rows, cols, e.data());
                case "BF16" -> WeightMatrix.of(name, GgmlType.BF16, rows, cols, e.data());
                case "F8_E4M3" -> {
                    SafetensorsFile.Entry s = entry(name + "_scale_inv");
                    long br = (rows + 127) / 128, bc = (cols + 127) / 128;
                    if (!s.dtype().equals("F32") || s.shape().length != 2 || s.shape()[0] != br || s.shape()[1] != bc) {
                        throw new ModelFormatException("checkpoint " + dir + ": tensor '" + name + "_scale_inv' is " + s.dtype() + " "
                                + java.util.Arrays.toString(s.shape()) + ", expected F32 [" + br + ", " + bc + "] (128x128 block scales)");
                    }
                    yield new WeightMatrix(name, GgmlType.FP8_E4M3_B128, rows, cols, e.data(), s.data(), 0);
                }
                default -> throw new ModelFormatException("checkpoint " + dir + ": tensor '" + name + "' has dtype " + e.dtype()
                        + ", expected F32, F16, BF16 or F8_E4M3");
            };
        }

        float[] vector(String name, int n) {
            SafetensorsFile.Entry e = entry(name);
            if (e.shape().length != 1 || e.shape()[0] != n) {
                throw new ModelFormatException("checkpoint " + dir + ": tensor '" + name + "' has shape " + java.util.Arrays.toString(e.shape())
                        + ", expected [" + n + "]");
            }
            GgmlType t = switch (e.dtype()) {
                case "F32" -> GgmlType.F32;
                case "F16" -> GgmlType.F16;
                case "BF16" -> GgmlType.BF16;
                default -> throw new ModelFormatException("checkpoint " + dir + ": tensor '" + name + "' has dtype " + e.dtype()
                        + ", expected F32, F16 or BF16");
            };
            float[] out = new float[n];
            Dequant.row(WeightMatrix.of(name, t, 1, n, e.data()), 0, out, 0);
            return out;
        }

        ModelWeights weights(ModelConfig c) {
            int h = c.hiddenSize(), heads = c.numHeads(), nope = c.qkNopeHeadDim(), vd = c.vHeadDim(), lora = c.kvLoraRank();
            WeightMatrix embd = matrix("model.embed_tokens.weight", c.vocabSize(), h);
            WeightMatrix lmHead = all.containsKey("lm_head.weight") ? matrix("lm_head.weight", c.vocabSize(), h) : embd;
            ModelWeights.Layer[] layers = new ModelWeights.Layer[c.numLayers()];
            for (int l = 0; l < c.numLayers(); l++) {
                String p = "model.layers." + l + ".";
                WeightMatrix wq = null, wqA = null, wqB = null;
                float[] qaNorm = null;
                if (c.qLoraRank() > 0) {
                    wqA = matrix(p + "self_attn.q_a_proj.weight", c.qLoraRank(), h);
                    qaNorm = vector(p + "self_attn.q_a_layernorm.weight", c.qLoraRank());
                    wqB = matrix(p + "self_attn.q_b_proj.weight", heads * c.qkHeadDim(), c.qLoraRank());
                } else {
                    wq = matrix(p + "self_attn.q_proj.weight", heads * c.qkHeadDim(), h);
                }
                WeightMatrix kvb = matrix(p + "self_attn.kv_b_proj.weight", heads * (nope + vd), lora);
                WeightMatrix[] ku = new WeightMatrix[heads], vu = new WeightMatrix[heads];
                for (int i = 0; i < heads; i++) {
                    ku[i] = kvb.rowRange(i * (nope + vd), nope);
                    vu[i] = kvb.rowRange(i * (nope + vd) + nope, vd);
                }
                ModelWeights.Attention attn = new ModelWeights.Attention(vector(p + "input_layernorm.weight", h), wq, wqA, qaNorm, wqB,
                        matrix(p + "self_attn.kv_a_proj_with_mqa.weight", lora + c.qkRopeHeadDim(), h),
                        vector(p + "self_attn.kv_a_layernorm.weight", lora), ku, false, vu,
                        matrix(p + "self_attn.o_proj.weight", h, heads * vd));
                float[] ffnNorm = vector(p + "post_attention_layernorm.weight", h);
                if (c.isMoeLayer(l)) {
                    int mi = c.moeIntermediateSize();
                    ModelWeights.Ffn[] ex = new ModelWeights.Ffn[c.nRoutedExperts()];
                    for (int e = 0; e < ex.length; e++) {
                        String q = p + "mlp.experts." + e + ".";
                        ex[e] = new ModelWeights.Ffn(matrix(q + "gate_proj.weight", mi, h), matrix(q + "up_proj.weight", mi, h),
                                matrix(q + "down_proj.weight", h, mi));
                    }
                    ModelWeights.Ffn shared = null;
                    if (c.nSharedExperts() > 0) {
                        int si = mi * c.nSharedExperts();
                        String q = p + "mlp.shared_experts.";
                        shared = new ModelWeights.Ffn(matrix(q + "gate_proj.weight", si, h), matrix(q + "up_proj.weight", si, h),
                                matrix(q + "down_proj.weight", h, si));
                    }
                    float[] bias = c.hasSelectionBias() ? vector(p + "mlp.gate.e_score_correction_bias", c.nRoutedExperts()) : null;
                    layers[l] = new ModelWeights.Layer(attn, ffnNorm, null,
                            new ModelWeights.Moe(matrix(p + "mlp.gate.weight", c.nRoutedExperts(), h), bias, ex, shared));
                } else {
                    int di = c.intermediateSize();
                    layers[l] = new ModelWeights.Layer(attn, ffnNorm, new ModelWeights.Ffn(matrix(p + "mlp.gate_proj.weight", di, h),
                            matrix(p + "mlp.up_proj.weight", di, h), matrix(p + "mlp.down_proj.weight", h, di)), null);
                }
            }
            return new ModelWeights(embd, vector("model.norm.weight", h), lmHead, layers);
        }
    }
}
