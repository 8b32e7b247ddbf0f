package dev.reasoningrouter.engine;

import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.model.InferenceModel;
import dev.reasoningrouter.engine.model.LatentKvCache;
import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.synth.SyntheticGgufWriter;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.synth.SyntheticVocabulary;
import dev.reasoningrouter.engine.tensor.GgmlType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

/** Small synthetic models and helpers shared by the tests. */
public final class TestModels {
    private TestModels() {}

    /** The tiny preset: sigmoid gating with selection bias and group-limited routing, q-LoRA, YaRN on. */
    public static SyntheticModel tinySigmoid(long seed) {
        return SyntheticModel.preset("tiny", seed);
    }

    /** Like the tiny preset but without q-LoRA (V2-Lite style queries). */
    public static SyntheticModel tinyNoQLora(long seed) {
        ModelConfig c = SyntheticModel.config(512, 64, 3, 4, 0, 32, 16, 8, 16, 128, 32, 8, 1, 2, 1, ModelConfig.Gating.SIGMOID,
                true, 4, 2, 4f, 64, 256);
        return new SyntheticModel("tiny-no-qlora", c, seed, SyntheticVocabulary.generate(512));
    }

    /** Tiny, softmax gating without bias or groups, q-LoRA on, no renormalisation (V2-style). */
    public static SyntheticModel tinySoftmaxQLora(long seed) {
        ModelConfig c = new ModelConfig(300, 64, 3, 4, 48, 32, 16, 8, 16, 96, 32, 6, 2, 3, 1,
                ModelConfig.Gating.SOFTMAX, false, false, 1.0f, 1, 1, false, 1e-6f, 10000f, 1f, 64, 32f, 1f, 1f, 128, 296, 297);
        return new SyntheticModel("tiny-softmax", c, seed, SyntheticVocabulary.generate(300));
    }

    /** Tiny, sigmoid with q-LoRA, no shared expert, no YaRN, every layer MoE. */
    public static SyntheticModel tinySigmoidQLora(long seed) {
        ModelConfig c = new ModelConfig(300, 64, 2, 2, 32, 32, 32, 16, 32, 0, 64, 8, 0, 2, 0,
                ModelConfig.Gating.SIGMOID, true, true, 2.5f, 2, 1, true, 1e-6f, 500f, 1f, 64, 32f, 1f, 1f, 128, 296, 297);
        return new SyntheticModel("tiny-sigmoid-qlora", c, seed, SyntheticVocabulary.generate(300));
    }

    public static Path writeGguf(SyntheticModel m, GgmlType type, Path dir) {
        Path p = dir.resolve("model-" + type.name().toLowerCase() + ".gguf");
        try {
            SyntheticGgufWriter.write(m, type, p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** Logits of every position, prefilling the whole sequence in one step. */
    public static float[][] prefill(InferenceModel model, int[] tokens, int k) {
        LatentKvCache cache = model.newCache(tokens.length);
        return step(model, cache, tokens, k);
    }

    public static float[][] step(InferenceModel model, LatentKvCache cache, int[] tokens, int k) {
        int n = tokens.length;
        LatentKvCache[] caches = new LatentKvCache[n];
        Arrays.fill(caches, cache);
        int[] experts = new int[n];
        Arrays.fill(experts, k);
        boolean[] want = new boolean[n];
        Arrays.fill(want, true);
        float[][] out = model.forward(caches, tokens, n, experts, want);
        float[][] copy = new float[n][];
        for (int i = 0; i < n; i++) {
            copy[i] = out[i].clone();
        }
        return copy;
    }

    /** max |a - b| / (max(b) - min(b)) over all positions. */
    public static double relativeMaxDiff(float[][] a, double[][] b) {
        double maxDiff = 0, lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (int i = 0; i < b.length; i++) {
            for (int j = 0; j < b[i].length; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(a[i][j] - b[i][j]));
                lo = Math.min(lo, b[i][j]);
                hi = Math.max(hi, b[i][j]);
            }
        }
        return maxDiff / (hi - lo);
    }

    /** RMS of (a - b) over the standard deviation of b: an average-case logit error. */
    public static double relativeRms(float[][] a, double[][] b) {
        double se = 0, sum = 0, sq = 0;
        long n = 0;
        for (int i = 0; i < b.length; i++) {
            for (int j = 0; j < b[i].length; j++) {
                se += (a[i][j] - b[i][j]) * (a[i][j] - b[i][j]);
                sum += b[i][j];
                sq += b[i][j] * b[i][j];
                n++;
            }
        }
        double var = sq / n - (sum / n) * (sum / n);
        return Math.sqrt(se / n / var);
    }

    /** Fraction of positions whose argmax token agrees. */
    public static double top1Agreement(float[][] a, double[][] b) {
        int same = 0;
        for (int i = 0; i < b.length; i++) {
            int x = 0, y = 0;
            for (int j = 1; j < b[i].length; j++) {
                if (a[i][j] > a[i][x]) {
                    x = j;
                }
                if (b[i][j] > b[i][y]) {
                    y = j;
                }
            }
            same += x == y ? 1 : 0;
        }
        return (double) same / b.length;
    }

    public static double[][] toDouble(float[][] a) {
        double[][] d = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            d[i] = new double[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                d[i][j] = a[i][j];
            }
        }
        return d;
    }

    public static int fullBudget(SyntheticModel m) {
        return ExpertBudget.full(m.config()).experts();
    }
}
