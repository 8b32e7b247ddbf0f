package dev.reasoningrouter.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reasoningrouter.engine.TestModels;
import dev.reasoningrouter.engine.format.ModelFormatException;
import dev.reasoningrouter.engine.kernels.cpu.CpuBackend;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.synth.SyntheticSafetensorsWriter;
import dev.reasoningrouter.engine.tensor.GgmlType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GGUF against safetensors, quantised types against F32, and failing loads. */
class ModelFormatsTest {

    @TempDir
    Path dir;

    static final int[] TOKENS = {256, 1, 2, 3, 100, 200, 17, 42, 99, 250};

    private float[][] logits(Path model, int k) {
        try (LoadedModel lm = ModelLoader.load(model, 2)) {
            return TestModels.prefill(lm.model(), TOKENS, k);
        }
    }

    private Path safetensors(SyntheticModel m, GgmlType t, long shardBytes) throws Exception {
        Path d = dir.resolve("st-" + t.name().toLowerCase());
        SyntheticSafetensorsWriter.write(m, t, d, shardBytes);
        return d;
    }

    @Test
    void ggufAndShardedSafetensorsOfTheSameModelGiveTheSameLogits() throws Exception {
        SyntheticModel m = TestModels.tinySoftmaxQLora(21);
        Path st = safetensors(m, GgmlType.F32, 200_000);
        try (var files = Files.list(st)) {
            assertThat(files.filter(p -> p.toString().endsWith(".safetensors")).count()).isGreaterThan(1); // really sharded
        }
        float[][] fromGguf = logits(TestModels.writeGguf(m, GgmlType.F32, dir), 3);
        float[][] fromSt = logits(st, 3);
        // the GGUF holds llama.cpp's split, transposed attn_k_b; the checkpoint the fused kv_b_proj
        assertThat(TestModels.relativeMaxDiff(fromSt, TestModels.toDouble(fromGguf))).isLessThan(1e-5);

        float[][] bf16Gguf = logits(TestModels.writeGguf(m, GgmlType.BF16, dir), 3);
        float[][] bf16St = logits(safetensors(m, GgmlType.BF16, 1L << 30), 3);
        assertThat(TestModels.relativeMaxDiff(bf16St, TestModels.toDouble(bf16Gguf))).isLessThan(1e-5);
        assertThat(TestModels.relativeMaxDiff(bf16St, TestModels.toDouble(fromGguf))).isBetween(1e-6, 0.02);
    }

    /**
     * Documented error of each weight type against F32, on the "small" preset: RMS logit error over the logit
     * standard deviation (an occasional routing flip makes the worst case much larger than the average).
     */
    @Test
    void quantisedTypesStayWithinDocumentedErrorOfF32() throws Exception {
        SyntheticModel m = SyntheticModel.preset("small", 5); // dims are multiples of 256, so K-quants apply
        double[][] f32 = TestModels.toDouble(logits(TestModels.writeGguf(m, GgmlType.F32, dir), 4));
        java.util.Map<String, float[][]> got = new java.util.LinkedHashMap<>();
        for (GgmlType t : new GgmlType[] {GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q6_K, GgmlType.Q4_K}) {
            got.put(t.name(), logits(TestModels.writeGguf(m, t, dir), 4));
        }
        got.put("FP8", logits(safetensors(m, GgmlType.FP8_E4M3_B128, 1L << 30), 4));
        java.util.Map<String, Double> rms = new java.util.LinkedHashMap<>();
        got.forEach((k, v) -> {
            rms.put(k, TestModels.relativeRms(v, f32));
            System.out.printf("%-5s relative RMS logit error %.2e, max %.2e, top-1 agreement %.2f%n", k, rms.get(k),
                    TestModels.relativeMaxDiff(v, f32), TestModels.top1Agreement(v, f32));
        });
        // measured: f16 1.2e-3, bf16 8.6e-3, q8_0 1.6e-2, q6_k 0.18, q4_k 0.44, fp8 0.21 (the random-weight model
        // amplifies per-weight error; see QuantTest for the per-weight figures)
        assertThat(rms.get("F16")).isLessThan(0.005);
        assertThat(rms.get("BF16")).isLessThan(0.02);
        assertThat(rms.get("Q8_0")).isLessThan(0.04);
        assertThat(rms.get("Q6_K")).isLessThan(0.3);
        assertThat(rms.get("Q4_K")).isLessThan(0.6);
        assertThat(rms.get("FP8")).isLessThan(0.35);
        assertThat(rms.get("Q4_K")).isGreaterThan(rms.get("Q8_0")); // coarser types err more: the test can see it
    }

    @Test
    void failedLoadsNameTheProblemAndLeaveNothingOpen() throws Exception {
        SyntheticModel m = TestModels.tinySigmoid(1);
        Path good = TestModels.writeGguf(m, GgmlType.F32, dir);
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("truncated.gguf");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        AtomicBoolean closed = new AtomicBoolean();
        CpuBackend backend = new CpuBackend(1);
        assertThatThrownBy(() -> ModelLoader.load(truncated, backend, () -> {
            closed.set(true);
            backend.close();
        })).isInstanceOf(ModelFormatException.class).hasMessageContaining(truncated.toString()).hasMessageContaining("truncated");

        // a tensor renamed away: the loader names the missing one
        Path renamed = dir.resolve("renamed.gguf");
        byte[] b = bytes.clone();
        byte[] name = "blk.1.attn_output.weight".getBytes();
        int at = indexOf(b, name);
        b[at + 4] = 'X';
        Files.write(renamed, b);
        assertThatThrownBy(() -> ModelLoader.load(renamed, 1)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(renamed.toString()).hasMessageContaining("tensor 'blk.1.attn_output.weight' is missing");

        // a safetensors shard cut short, and a config without a required key
        Path st = safetensors(m, GgmlType.F32, 300_000);
        Path shard;
        try (var files = Files.list(st)) {
            shard = files.filter(f -> f.getFileName().toString().startsWith("model-00001-of-")).findFirst().orElseThrow();
        }
        byte[] sb = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(sb, sb.length - 100));
        assertThatThrownBy(() -> ModelLoader.load(st, 1)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(shard.toString()).hasMessageContaining("truncated");
        Path st2 = safetensors(TestModels.tinySigmoidQLora(2), GgmlType.BF16, 1L << 30);
        String cfg = Files.readString(st2.resolve("config.json")).replace("\"kv_lora_rank\"", "\"kv_lora_rank_x\"");
        Files.writeString(st2.resolve("config.json"), cfg);
        assertThatThrownBy(() -> ModelLoader.load(st2, 1)).hasMessageContaining("config.json").hasMessageContaining("'kv_lora_rank'");

        // the original still loads and runs (nothing half-initialised is shared between loads)
        try (LoadedModel lm = ModelLoader.load(good, 1)) {
            assertThat(TestModels.prefill(lm.model(), new int[] {1, 2}, 2)[1]).hasSize(m.config().vocabSize());
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
