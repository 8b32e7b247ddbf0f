package dev.reasoningrouter.engine.synth;

import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A deterministic random-weight DeepSeek-V3-style model: every tensor, named and shaped as in a Hugging Face
 * DeepSeek checkpoint, is generated on demand from (seed, tensor name), so GGUF and safetensors writers (and the
 * test reference) see identical weights without holding the model in memory. Scales keep activations and logits in
 * a healthy range: linear weights have standard deviation 1/sqrt(fan_in), embeddings 1, norms about 1.
 */
public final class SyntheticModel implements DeepSeekTensors {

    /** Marker in the model name: outputs made with such a model must say it is a random-weight test model. */
    public static final String MARKER = "random-weight test model";

    private final ModelConfig config;
    private final long seed;
    private final TokenizerVocabulary vocabulary;
    private final String preset;

    public SyntheticModel(String preset, ModelConfig config, long seed, TokenizerVocabulary vocabulary) {
        if (vocabulary != null && vocabulary.tokens().size() != config.vocabSize()) {
            throw new IllegalArgumentException("vocabulary has " + vocabulary.tokens().size() + " tokens, config says " + config.vocabSize());
        }
        this.preset = preset;
        this.config = config;
        this.seed = seed;
        this.vocabulary = vocabulary;
    }

    /**
     * A named preset with the generated vocabulary: "tiny" (a few MB), "small", "1b" (about 1 B parameters).
     * All use q-LoRA: llama.cpp decides "no q-LoRA" (V2-Lite) from a 27-layer count, so other depths need it.
     */
    public static SyntheticModel preset(String name, long seed) {
        ModelConfig c = presetConfig(name);
        return new SyntheticModel(name, c, seed, SyntheticVocabulary.generate(c.vocabSize()));
    }

    /**
     * A named preset speaking a given vocabulary (e.g. the real DeepSeek-V3 tokenizer's, 128k+ tokens): the vocabulary
     * size, BOS and EOS come from it, everything else from the preset.
     */
    public static SyntheticModel preset(String name, long seed, TokenizerVocabulary vocabulary) {
        ModelConfig p = presetConfig(name);
        ModelConfig c = new ModelConfig(vocabulary.tokens().size(), p.hiddenSize(), p.numLayers(), p.numHeads(), p.qLoraRank(),
                p.kvLoraRank(), p.qkNopeHeadDim(), p.qkRopeHeadDim(), p.vHeadDim(), p.intermediateSize(), p.moeIntermediateSize(),
                p.nRoutedExperts(), p.nSharedExperts(), p.numExpertsPerTok(), p.firstKDenseReplace(), p.scoringFunc(),
                p.hasSelectionBias(), p.normTopKProb(), p.routedScalingFactor(), p.nGroup(), p.topkGroup(), p.topKMethodGroupSum(),
                p.rmsNormEps(), p.ropeTheta(), p.ropeScalingFactor(), p.ropeOriginalContext(), p.yarnBetaFast(), p.yarnBetaSlow(),
                p.yarnMscaleAllDim(), p.maxContext(), vocabulary.bosId(), vocabulary.eosId());
        return new SyntheticModel(name, c, seed, vocabulary);
    }

    public static ModelConfig presetConfig(String name) {
        return switch (name) {
            case "tiny" -> config(512, 64, 3, 4, 48, 32, 16, 8, 16, 128, 32, 8, 1, 2, 1, ModelConfig.Gating.SIGMOID, true,
                    4, 2, 4f, 64, 256);
            case "small" -> config(2048, 256, 4, 8, 128, 64, 32, 16, 32, 512, 256, 16, 1, 4, 1, ModelConfig.Gating.SIGMOID,
                    true, 4, 2, 4f, 256, 1024);
            case "1b" -> config(32768, 1536, 10, 12, 384, 256, 64, 32, 64, 4096, 512, 40, 1, 4, 1,
                    ModelConfig.Gating.SIGMOID, true, 4, 2, 4f, 1024, 4096);
            default -> throw new IllegalArgumentException("unknown preset '" + name + "', expected tiny, small or 1b");
        };
    }

    /** A DeepSeek-V3-like configuration (the vocabulary's BOS/EOS ids follow {@link SyntheticVocabulary}). */
    public static ModelConfig config(int vocab, int hidden, int layers, int heads, int qLora, int kvLora, int nope, int rope,
                                     int vHead, int inter, int moeInter, int experts, int shared, int topK, int dense,
                                     ModelConfig.Gating gating, boolean bias, int groups, int topkGroup, float yarnFactor,
                                     int origCtx, int maxCtx) {
        TokenizerVocabulary v = SyntheticVocabulary.generate(vocab);
        return new ModelConfig(vocab, hidden, layers, heads, qLora, kvLora, nope, rope, vHead, inter, moeInter, experts, shared,
                topK, dense, gating, bias, gating == ModelConfig.Gating.SIGMOID, gating == ModelConfig.Gating.SIGMOID ? 2.5f : 1.0f,
                groups, topkGroup, bias, 1e-6f, 10000f, yarnFactor, origCtx, 32f, 1f, 1.0f, maxCtx, v.bosId(), v.eosId());
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    public long seed() {
        return seed;
    }

    @Override
    public TokenizerVocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public String name() {
        return "synthetic DeepSeek-V3-style " + preset + " (" + MARKER + ", seed " + seed + ")";
    }

    /** Every tensor of the Hugging Face layout with its torch shape ([out, in] for matrices), in file order. */
    @Override
    public Map<String, int[]> tensorShapes() {
        if (shapes == null) {
            shapes = java.util.Collections.unmodifiableMap(DeepSeekTensors.huggingFaceShapes(config));
        }
        return shapes;
    }

    private Map<String, int[]> shapes;

    /** The values of a tensor (row-major, torch layout), the same on every call. */
    @Override
    public float[] tensor(String name) {
        int[] shape = tensorShapes().get(name);
        if (shape == null) {
            throw new IllegalArgumentException("no tensor '" + name + "' in this model");
        }
        return generate(name, shape);
    }

    float[] generate(String name, int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode() * 0xC2B2AE3D27D4EB4FL + n);
        float[] out = new float[n];
        if (name.endsWith("norm.weight") || name.endsWith("layernorm.weight")) {
            for (int i = 0; i < n; i++) {
                out[i] = (float) (1.0 + 0.2 * (r.nextDouble() - 0.5));
            }
        } else if (name.endsWith("e_score_correction_bias")) {
            for (int i = 0; i < n; i++) {
                out[i] = (float) (0.2 * (r.nextDouble() - 0.5));
            }
        } else {
            double std = name.equals("model.embed_tokens.weight") ? 1.0 : 1.0 / Math.sqrt(shape[shape.length - 1]);
            double a = std * Math.sqrt(3.0);
            for (int i = 0; i < n; i++) {
                out[i] = (float) (a * (2 * r.nextDouble() - 1));
            }
        }
        return out;
    }

    /** Parameter count of all tensors. */
    public long parameterCount() {
        long n = 0;
        for (int[] s : tensorShapes().values()) {
            long k = 1;
            for (int d : s) {
                k *= d;
            }
            n += k;
        }
        return n;
    }
}
