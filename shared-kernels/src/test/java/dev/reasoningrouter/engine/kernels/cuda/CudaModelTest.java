package dev.reasoningrouter.engine.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reasoningrouter.engine.TestModels;
import dev.reasoningrouter.engine.generate.GenerationRequest;
import dev.reasoningrouter.engine.generate.GenerationResult;
import dev.reasoningrouter.engine.generate.Generator;
import dev.reasoningrouter.engine.generate.SamplingParams;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.model.InferenceModel;
import dev.reasoningrouter.engine.model.LatentKvCache;
import dev.reasoningrouter.engine.model.LoadedModel;
import dev.reasoningrouter.engine.model.ModelLoader;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.synth.SyntheticSafetensorsWriter;
import dev.reasoningrouter.engine.tensor.GgmlType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CUDA model end to end from model files: {@code ModelLoader} with {@code backend=cuda} uploads a synthetic
 * model's mapped GGUF or safetensors tensors, and its logits must match the CPU {@code DeepSeekModel} on the same
 * file row for row — prefill, a step that mixes two sequences (one still prefilling, one decoding, different expert
 * budgets, some rows without logits), interleaved decode steps, a truncated cache, and caches that must grow on
 * the device. The tiny preset has q-LoRA, sigmoid gating with selection bias and group-limited routing, YaRN, a
 * dense first layer and a shared expert; GGUF stores MLA split (attn_k_b/attn_v_b), safetensors fused (kv_b_proj,
 * transposed on upload). Skipped, with the probe's reason, without a CUDA device.
 */
class CudaModelTest {

    /** max |gpu - cpu| over a row, as a fraction of that row's CPU logit range. Both sides compute in float32. */
    static final double TOLERANCE = 1e-4;

    private static String unavailable;

    @TempDir
    Path dir;

    @BeforeAll
    static void probe() {
        CudaProbe p = CudaDevice.probe();
        if (!p.available()) {
            unavailable = "no CUDA device: " + p.reason();
            System.out.println("[CudaModelTest] skipping every test: " + unavailable);
        }
    }

    @BeforeEach
    void needsDevice() {
        assumeTrue(unavailable == null, () -> unavailable);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"gguf, F32", "gguf, Q8_0", "gguf, BF16", "safetensors, BF16", "safetensors, FP8_E4M3_B128"})
    void logitsMatchTheCpuModelOnTheSameFile(String format, GgmlType type) {
        SyntheticModel m = TestModels.tinySigmoid(7);
        Path file = write(m, format, type);
        try (LoadedModel cpu = ModelLoader.load(file, 1); LoadedModel gpu = ModelLoader.load(file, 1, BackendChoice.CUDA)) {
            assertThat(gpu.backend().cuda()).isTrue();
            assertThat(gpu.model().backendName()).startsWith("cuda (").contains("compute ");
            assertThat(cpu.model().backendName()).startsWith("cpu (");
            Pair p = new Pair(format + " " + type, cpu.model(), gpu.model());
            int full = TestModels.fullBudget(m), low = full - 1;
            assertThat(low).as("the tiny preset's top-k leaves room for a lower budget").isGreaterThanOrEqualTo(1);

            // capacity 1: every cache below must grow on the device (copying what it holds)
            LatentKvCache[] a = p.newCaches(1), b = p.newCaches(1);
            p.step("prefill A", new LatentKvCache[][] {a, a, a, a, a}, new int[] {1, 77, 300, 5, 42}, new int[] {full, full, full, full, full},
                    new boolean[] {true, true, true, true, true});
            // one call, two sequences: A decodes one token, B prefills three; B at the lower budget; one row without logits
            p.step("A decodes, B prefills", new LatentKvCache[][] {a, b, b, b}, new int[] {9, 3, 500, 64}, new int[] {full, low, low, low},
                    new boolean[] {true, false, true, true});
            int[][] next = {{11, 12}, {21, 22}, {31, 32}};
            for (int s = 0; s < next.length; s++) {  // decode steps with the two sequences interleaved, B first
                p.step("decode " + s, new LatentKvCache[][] {b, a}, next[s], new int[] {low, full}, new boolean[] {true, true});
            }
            assertThat(a[1].length()).isEqualTo(9);
            assertThat(a[1].capacity()).isGreaterThanOrEqualTo(9);
            // re-run from a prefix: the device cache is overwritten from position 3 on
            a[0].truncate(3);
            a[1].truncate(3);
            p.step("after truncate", new LatentKvCache[][] {a, a}, new int[] {400, 2}, new int[] {1, full}, new boolean[] {false, true});
            System.out.printf(Locale.ROOT, "[CudaModelTest] %s: max |gpu - cpu| = %.3g of the logit range (%d rows compared)%n",
                    p.label, p.worst, p.rows);
            a[1].close();
            b[1].close();
            assertThat(((CudaDeepSeekModel) gpu.model()).openCaches()).isZero();
            assertThatThrownBy(() -> gpu.model().forward(new LatentKvCache[] {a[1]}, new int[] {1}, 1, new int[] {full}, new boolean[] {true}))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThatThrownBy(() -> gpu.model().forward(new LatentKvCache[] {a[0]}, new int[] {1}, 1, new int[] {full}, new boolean[] {true}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not made by this model");
        }
    }

    @Test
    void greedyGenerationIsTheSameOnBothBackendsAndEndedSequencesFreeTheirCaches() {
        SyntheticModel m = TestModels.tinySigmoid(3);
        Path file = write(m, "gguf", GgmlType.F32);
        try (LoadedModel cpu = ModelLoader.load(file, 1); LoadedModel gpu = ModelLoader.load(file, 1, BackendChoice.CUDA)) {
            GenerationRequest req = new GenerationRequest(new int[] {1, 40, 41, 42}, new SamplingParams(0, 1, 0, 6, List.of(), List.of(), true),
                    ExpertBudget.full(m.config()));
            GenerationResult want = new Generator(cpu.model(), null).generate(req, null);
            GenerationResult got = new Generator(gpu.model(), null).generate(req, null);
            System.out.printf("[CudaModelTest] greedy tokens cpu %s, cuda %s%n", java.util.Arrays.toString(want.tokens()),
                    java.util.Arrays.toString(got.tokens()));
            assertThat(got.tokens()).containsExactly(want.tokens());
            for (int i = 0; i < want.tokens().length; i++) {
                assertThat((double) got.logprobs()[i]).isCloseTo(want.logprobs()[i], org.assertj.core.data.Offset.offset(1e-3));
            }
            assertThat(((CudaDeepSeekModel) gpu.model()).openCaches()).as("the finished sequence closed its cache").isZero();
        }
    }

    @Test
    void weightTypesWithoutKernelsAreRefusedByNameAndAutoFallsBackToTheCpu() {
        // Q4_K rows of 64 values fall back to Q5_0 (as llama.cpp's quantiser does): no CUDA kernel reads Q5_0
        SyntheticModel m = TestModels.tinySigmoid(5);
        Path file = TestModels.writeGguf(m, GgmlType.Q4_K, dir);
        assertThatThrownBy(() -> ModelLoader.load(file, 1, BackendChoice.CUDA))
                .isInstanceOf(CudaUnavailableException.class)
                .hasMessageContaining("backend=cuda requested").hasMessageContaining("'token_embd.weight' (Q5_0)").hasMessageContaining("'blk.0.attn_q_a.weight' (Q5_0)");
        try (LoadedModel lm = ModelLoader.load(file, 1, BackendChoice.AUTO)) {
            assertThat(lm.backend().cuda()).isFalse();
            assertThat(lm.backend().reason()).contains("backend=auto found").contains("Q5_0").contains("CPU");
            assertThat(lm.model().backendName()).startsWith("cpu (");
            assertThat(TestModels.prefill(lm.model(), new int[] {1, 2}, 1)[1]).hasSize(m.config().vocabSize());
        }
    }

    /** The same rows through both models, logits compared row by row. */
    static final class Pair {
        final String label;
        final InferenceModel cpu, gpu;
        double worst;
        int rows;

        Pair(String label, InferenceModel cpu, InferenceModel gpu) {
            this.label = label;
            this.cpu = cpu;
            this.gpu = gpu;
        }

        /** {cpu cache, gpu cache} for one sequence. */
        LatentKvCache[] newCaches(int capacity) {
            return new LatentKvCache[] {cpu.newCache(capacity), gpu.newCache(capacity)};
        }

        void step(String what, LatentKvCache[][] seqs, int[] tokens, int[] experts, boolean[] want) {
            int n = tokens.length;
            LatentKvCache[] c = new LatentKvCache[n], g = new LatentKvCache[n];
            for (int i = 0; i < n; i++) {
                c[i] = seqs[i][0];
                g[i] = seqs[i][1];
            }
            float[][] lc = cpu.forward(c, tokens, n, experts, want);
            float[][] lg = gpu.forward(g, tokens, n, experts, want);
            for (int i = 0; i < n; i++) {
                assertThat(g[i].length()).as("%s: cache length of row %d", what, i).isEqualTo(c[i].length());
                if (!want[i]) {
                    assertThat(lg[i]).as("%s: row %d asked for no logits", what, i).isNull();
                    continue;
                }
                double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE, diff = 0;
                for (int j = 0; j < lc[i].length; j++) {
                    lo = Math.min(lo, lc[i][j]);
                    hi = Math.max(hi, lc[i][j]);
                    diff = Math.max(diff, Math.abs(lc[i][j] - lg[i][j]));
                }
                double rel = diff / (hi - lo);
                worst = Math.max(worst, rel);
                rows++;
                assertThat(rel).as("%s, %s row %d: max |gpu - cpu| %.3g over a logit range of %.3f", label, what, i, diff, hi - lo)
                        .isLessThanOrEqualTo(TOLERANCE);
            }
        }
    }

    private Path write(SyntheticModel m, String format, GgmlType type) {
        if (format.equals("gguf")) {
            return TestModels.writeGguf(m, type, dir);
        }
        Path p = dir.resolve("ckpt-" + m.seed() + "-" + type.name().toLowerCase(Locale.ROOT));
        try {
            SyntheticSafetensorsWriter.write(m, type, p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
