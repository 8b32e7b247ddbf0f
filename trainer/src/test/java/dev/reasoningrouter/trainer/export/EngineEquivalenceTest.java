package dev.reasoningrouter.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.synth.SyntheticVocabulary;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import dev.reasoningrouter.trainer.nn.Parameter;
import dev.reasoningrouter.trainer.nn.TrainableModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The must-show check: the engine's logits on an exported float32 file equal the trainer's forward pass on the same
 * weights (largest difference at most 1e-5 of the largest logit), at every expert budget, for the GGUF file and for
 * the safetensors checkpoint folder. The model is a small randomly initialised one with weights scaled up so that
 * every layer, the router's choice and the selection bias shape the logits.
 */
class EngineEquivalenceTest {

    static TrainedTensors model() {
        TokenizerVocabulary v = SyntheticVocabulary.generate(300);
        ModelConfig c = new ModelConfig(300, 64, 3, 4, 32, 32, 16, 8, 16, 128, 32, 8, 1, 3, 1, ModelConfig.Gating.SIGMOID, true, true,
                1.0f, 1, 1, true, 1e-6f, 10000f, 1f, 256, 32f, 1f, 1f, 256, v.bosId(), v.eosId());
        TrainableModel m = new TrainableModel(c);
        m.initialise(5);
        for (Parameter p : m.parameters()) {
            float[] x = p.value();
            for (int i = 0; i < x.length; i++) {
                x[i] = switch (p.role()) {
                    case EMBEDDING -> x[i] * 50f;
                    case MATRIX -> x[i] * 0.5f / (0.02f * (float) Math.sqrt(p.cols()));
                    case NORM -> 1f + 0.2f * (float) Math.sin(i * 1.3 + p.name().length());
                    case SELECTION_BIAS -> 0.1f * (float) Math.sin(i * 7.1);
                };
            }
        }
        m.refresh();
        return new TrainedTensors(m, v, "equivalence test model");
    }

    private static final int[] TOKENS = {297, 5, 17, 3, 99, 200, 7, 111, 42, 8, 64, 128, 12, 250, 31, 77, 160, 2};

    @Test
    void engineLogitsOnTheExportedGgufEqualTheTrainersForwardPass(@TempDir Path dir) throws Exception {
        TrainedTensors t = model();
        Path file = dir.resolve("model.gguf");
        ModelExport.gguf(t, GgmlType.F32, file);
        assertEquivalent(t, file);
    }

    @Test
    void engineLogitsOnTheExportedSafetensorsEqualTheTrainersForwardPass(@TempDir Path dir) throws Exception {
        TrainedTensors t = model();
        Path folder = dir.resolve("checkpoint");
        ModelExport.safetensors(t, GgmlType.F32, folder);
        assertThat(folder.resolve("tokenizer.json")).exists();
        assertEquivalent(t, folder);
    }

    @Test
    void aQ8FileReadBackIntoTheTrainerGivesTheEnginesLogits(@TempDir Path dir) throws Exception {
        // what `./rr train check --model` does for the shipped file: its weights, dequantised, back into the trainer
        TrainedTensors t = model();
        Path file = dir.resolve("model-q8.gguf");
        ModelExport.gguf(t, GgmlType.Q8_0, file);
        TrainedTensors back = ModelExport.fromGguf(file);
        assertThat(back.name()).isEqualTo("equivalence test model");
        assertThat(back.vocabulary().tokens()).isEqualTo(t.vocabulary().tokens());
        // quantisation moved the weights: the read-back model is not the original, but close to it
        float[] orig = t.model().parameter("model.layers.0.self_attn.kv_b_proj.weight").value();
        float[] read = back.model().parameter("model.layers.0.self_attn.kv_b_proj.weight").value();
        assertThat(read).isNotEqualTo(orig);
        for (int i = 0; i < orig.length; i++) {
            assertThat((double) read[i]).isCloseTo(orig[i], org.assertj.core.api.Assertions.within(0.02 * Math.abs(orig[i]) + 1e-3));
        }
        assertEquivalent(back, file, 1e-5);
        Path f32 = dir.resolve("re-exported.gguf");
        ModelExport.gguf(back, GgmlType.F32, f32);
        assertEquivalent(back, f32);
    }

    private static void assertEquivalent(TrainedTensors t, Path file) {
        assertEquivalent(t, file, 1e-5);
    }

    private static void assertEquivalent(TrainedTensors t, Path file, double bound) {
        ExportCheck.Result r;
        try {
            r = ExportCheck.compare(file, t, TOKENS, 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int k = 1; k <= t.config().numExpertsPerTok(); k++) {
            assertThat(r.largestLogits()[k - 1]).as("logits must not be trivial").isGreaterThan(0.5);
            assertThat(r.relativeDifference()[k - 1]).as("k = " + k + ": max |engine - trainer| / max |logit|").isLessThanOrEqualTo(bound);
        }
    }
}
