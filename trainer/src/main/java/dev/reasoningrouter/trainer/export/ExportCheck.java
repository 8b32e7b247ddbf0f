package dev.reasoningrouter.trainer.export;

import dev.reasoningrouter.engine.model.InferenceModel;
import dev.reasoningrouter.engine.model.LatentKvCache;
import dev.reasoningrouter.engine.model.LoadedModel;
import dev.reasoningrouter.engine.model.ModelLoader;
import dev.reasoningrouter.engine.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The must-show comparison on a real model: its weights exported as float32 GGUF, the engine's logits for a token
 * sequence (prefill, every position) against the trainer's forward pass, at every expert budget.
 */
public final class ExportCheck {
    private ExportCheck() {}

    /** The largest |engine - trainer| over all positions and tokens, divided by the largest |logit|, per budget k. */
    /** Per budget k (index k - 1): max |engine - trainer| / max |logit|, and that max |logit|. */
    public record Result(double[] relativeDifference, double[] largestLogits) {
        public double largestLogit() {
            return Arrays.stream(largestLogits).max().orElse(0);
        }

        public double worst() {
            return Arrays.stream(relativeDifference).max().orElse(0);
        }
    }

    public static Result compare(TrainedTensors t, int[] tokens, int threads) throws IOException {
        Path file = Files.createTempFile("rr-export-check", ".gguf");
        try {
            ModelExport.gguf(t, GgmlType.F32, file);
            return compare(file, t, tokens, threads);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The engine serving {@code file} against the trainer's forward pass on {@code t}, per budget. */
    public static Result compare(Path file, TrainedTensors t, int[] tokens, int threads) throws IOException {
        int topK = Math.max(1, t.config().numExpertsPerTok());
        double[] rel = new double[topK];
        double[] largest = new double[topK];
        try (LoadedModel lm = ModelLoader.load(file, threads)) {
            InferenceModel engine = lm.model();
            for (int k = 1; k <= topK; k++) {
                LatentKvCache cache = engine.newCache(tokens.length);
                LatentKvCache[] caches = new LatentKvCache[tokens.length];
                Arrays.fill(caches, cache);
                int[] experts = new int[tokens.length];
                Arrays.fill(experts, k);
                boolean[] want = new boolean[tokens.length];
                Arrays.fill(want, true);
                float[][] e = engine.forward(caches, tokens, tokens.length, experts, want);
                float[][] mine = t.model().logits(t.model().newWorker(), tokens, k);
                double diff = 0, max = 0;
                for (int i = 0; i < tokens.length; i++) {
                    for (int j = 0; j < e[i].length; j++) {
                        max = Math.max(max, Math.abs(e[i][j]));
                        diff = Math.max(diff, Math.abs(e[i][j] - mine[i][j]));
                    }
                }
                rel[k - 1] = diff / max;
                largest[k - 1] = max;
            }
        }
        return new Result(rel, largest);
    }
}
