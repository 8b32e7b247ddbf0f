package dev.reasoningrouter.engine.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reasoningrouter.engine.TestModels;
import dev.reasoningrouter.engine.generate.GenerationRequest;
import dev.reasoningrouter.engine.generate.GenerationResult;
import dev.reasoningrouter.engine.generate.Generator;
import dev.reasoningrouter.engine.generate.SamplingParams;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.model.LatentKvCache;
import dev.reasoningrouter.engine.model.LoadedModel;
import dev.reasoningrouter.engine.model.ModelLoader;
import dev.reasoningrouter.engine.model.TokenChoices;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.tensor.GgmlType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Next tokens chosen on the device through the generator ({@code CudaDeepSeekModel} as a
 * {@code DeviceTokenChoice}): each step brings back only ids and log-probabilities. Greedy must give the CPU model's
 * tokens and log-probabilities; seeded sampling must repeat; a request the device cannot take samples from
 * downloaded logits in the same steps. One tiny synthetic model for all tests. Skipped, with the probe's reason,
 * without a CUDA device.
 */
class CudaTokenChoiceTest {

    /** |log-probability gpu - cpu|: both in float32, the logits agree to ~1e-4 of their range (CudaModelTest). */
    static final double LOGPROB_TOLERANCE = 1e-3;

    private static String unavailable;
    @TempDir
    static Path dir;
    static SyntheticModel m;
    static LoadedModel cpu, gpu;

    @BeforeAll
    static void load() {
        CudaProbe p = CudaDevice.probe();
        if (!p.available()) {
            unavailable = "no CUDA device: " + p.reason();
            System.out.println("[CudaTokenChoiceTest] skipping every test: " + unavailable);
            return;
        }
        m = TestModels.tinySigmoid(3);
        Path file = TestModels.writeGguf(m, GgmlType.F32, dir);
        cpu = ModelLoader.load(file, 1);
        gpu = ModelLoader.load(file, 1, BackendChoice.CUDA);
    }

    @AfterAll
    static void close() {
        if (gpu != null) gpu.close();
        if (cpu != null) cpu.close();
    }

    @BeforeEach
    void needsDevice() {
        assumeTrue(unavailable == null, () -> unavailable);
    }

    private static GenerationRequest req(int[] prompt, SamplingParams sp, int experts) {
        return new GenerationRequest(prompt, sp, ExpertBudget.of(experts, m.config()));
    }

    @Test
    void greedyChosenOnTheDeviceGivesTheCpuModelsTokensAndLogprobs() {
        int full = TestModels.fullBudget(m);
        SamplingParams sp = SamplingParams.greedy(8).withIgnoreEos(true);
        Generator onDevice = new Generator(gpu.model(), null);
        assertThat(gpu.model()).isInstanceOf(CudaDeepSeekModel.class);
        assertThat(onDevice.choosesOnDevice(sp)).isTrue();
        // two sequences together (different budgets): decode steps choose for two rows in one launch
        List<GenerationRequest> reqs = List.of(req(new int[] {1, 40, 41, 42}, sp, full), req(new int[] {1, 7, 300}, sp, full - 1));
        List<GenerationResult> want = new Generator(cpu.model(), null).generateAll(reqs, null, null);
        List<GenerationResult> got = onDevice.generateAll(reqs, null, null);
        List<GenerationResult> hostOnGpu = new Generator(gpu.model(), null, false).generateAll(reqs, null, null);
        double worst = 0;
        for (int s = 0; s < reqs.size(); s++) {
            System.out.printf("[CudaTokenChoiceTest] greedy seq %d: cpu %s, cuda device choice %s%n", s,
                    Arrays.toString(want.get(s).tokens()), Arrays.toString(got.get(s).tokens()));
            assertThat(got.get(s).tokens()).containsExactly(want.get(s).tokens());
            assertThat(hostOnGpu.get(s).tokens()).containsExactly(want.get(s).tokens());
            for (int i = 0; i < want.get(s).tokens().length; i++) {
                double d = Math.abs(got.get(s).logprobs()[i] - want.get(s).logprobs()[i]);
                worst = Math.max(worst, d);
                assertThat(d).as("seq %d token %d: log-probability device %f, cpu %f", s, i, got.get(s).logprobs()[i],
                        want.get(s).logprobs()[i]).isLessThanOrEqualTo(LOGPROB_TOLERANCE);
                // against the same GPU logits downloaded and read on the host: only the reduction differs
                assertThat((double) got.get(s).logprobs()[i]).isCloseTo(hostOnGpu.get(s).logprobs()[i], Offset.offset(1e-4));
            }
        }
        System.out.printf(Locale.ROOT, "[CudaTokenChoiceTest] greedy: max |logprob device choice - cpu| = %.3g%n", worst);
        assertThat(((CudaDeepSeekModel) gpu.model()).openCaches()).isZero();
    }

    @Test
    void seededSamplingOnTheDeviceRepeatsAndAtTopPOneMatchesTheHostSamplerOnTheSameLogits() {
        int full = TestModels.fullBudget(m);
        int[] prompt = {1, 40, 41, 42};
        Generator g = new Generator(gpu.model(), null);
        SamplingParams s1 = SamplingParams.sampled(1.5, 0.9, 1234, 10).withIgnoreEos(true);
        assertThat(g.choosesOnDevice(s1)).isTrue();
        GenerationResult a = g.generate(req(prompt, s1, full), null);
        GenerationResult b = g.generate(req(prompt, s1, full), null);
        GenerationResult c = g.generate(req(prompt, SamplingParams.sampled(1.5, 0.9, 999, 10).withIgnoreEos(true), full), null);
        System.out.printf("[CudaTokenChoiceTest] sampled T=1.5 p=0.9: seed 1234 %s, again %s, seed 999 %s%n",
                Arrays.toString(a.tokens()), Arrays.toString(b.tokens()), Arrays.toString(c.tokens()));
        assertThat(a.tokens()).hasSize(10).containsExactly(b.tokens());
        assertThat(a.logprobs()).containsExactly(b.logprobs());
        assertThat(a.tokens()).isNotEqualTo(c.tokens());
        // top_p = 1: the kernel and the host sampler both walk the distribution in id order with the same uniform,
        // so on the same (GPU) logits the same seed picks the same tokens on both paths
        SamplingParams all = SamplingParams.sampled(0.8, 1, 77, 10).withIgnoreEos(true);
        GenerationResult dev = g.generate(req(prompt, all, full), null);
        GenerationResult host = new Generator(gpu.model(), null, false).generate(req(prompt, all, full), null);
        System.out.printf("[CudaTokenChoiceTest] sampled T=0.8 p=1 seed 77: device choice %s, host sampler %s%n",
                Arrays.toString(dev.tokens()), Arrays.toString(host.tokens()));
        assertThat(dev.tokens()).containsExactly(host.tokens());
        for (int i = 0; i < dev.tokens().length; i++) {
            // the model's log-probability (temperature 1) on both paths
            assertThat((double) dev.logprobs()[i]).isCloseTo(host.logprobs()[i], Offset.offset(1e-4));
        }
    }

    @Test
    void aRequestTheDeviceCannotTakeSamplesFromLogitsInTheSameSteps() {
        int full = TestModels.fullBudget(m);
        int[] prompt = {1, 40, 41, 42};
        SamplingParams greedy = SamplingParams.greedy(6).withIgnoreEos(true);
        // 1 / T overflows a float: the kernels cannot take it, so this sequence downloads its logits (practically greedy)
        SamplingParams tiny = SamplingParams.sampled(1e-40, 0.9, 5, 6).withIgnoreEos(true);
        Generator g = new Generator(gpu.model(), null);
        assertThat(g.choosesOnDevice(tiny)).isFalse();
        List<GenerationResult> both = g.generateAll(List.of(req(prompt, greedy, full), req(prompt, tiny, full)), null, null);
        GenerationResult want = new Generator(cpu.model(), null).generate(req(prompt, greedy, full), null);
        assertThat(both.get(0).tokens()).containsExactly(want.tokens());
        assertThat(both.get(1).tokens()).containsExactly(want.tokens());
        for (int i = 0; i < want.tokens().length; i++) {
            assertThat((double) both.get(1).logprobs()[i]).isCloseTo(want.logprobs()[i], Offset.offset(LOGPROB_TOLERANCE));
            assertThat((double) both.get(0).logprobs()[i]).isCloseTo(both.get(1).logprobs()[i], Offset.offset(1e-4));
        }
    }

    @Test
    void oneStepCanChooseForSomeRowsAndReturnLogitsForOthers() {
        int full = TestModels.fullBudget(m);
        CudaDeepSeekModel model = (CudaDeepSeekModel) gpu.model();
        LatentKvCache a = model.newCache(8), b = model.newCache(8), c = model.newCache(8);
        TokenChoices ch = new TokenChoices(5);
        // a: prompt of 2 (first row nothing, second greedy); b: logits only; c: sampled and logits
        LatentKvCache[] caches = {a, a, b, c};
        ch.none(0);
        ch.greedy(1);
        ch.none(2);
        ch.sample(3, 0.7, 0.9, 0.25f);
        float[][] out = model.forward(caches, new int[] {1, 40, 7, 9}, 4, new int[] {full, full, full, full},
                new boolean[] {false, false, true, true}, ch);
        assertThat(out[0]).isNull();
        assertThat(out[1]).isNull();
        assertThat(ch.token(0)).isEqualTo(-1);
        assertThat(ch.token(2)).isEqualTo(-1);
        float[] lc = out[3];
        int argmaxB = argmax(out[2]);
        assertThat(ch.token(3)).isBetween(0, m.config().vocabSize() - 1);
        assertThat((double) ch.logprob(3)).isCloseTo(dev.reasoningrouter.engine.generate.LogSoftmax.at(lc, ch.token(3)), Offset.offset(1e-4));
        // the greedy row against a host forward of the same prefix
        float[][] ref = TestModels.prefill(cpu.model(), new int[] {1, 40}, full);
        assertThat(ch.token(1)).isEqualTo(argmax(ref[1]));
        assertThat((double) ch.logprob(1)).isCloseTo(dev.reasoningrouter.engine.generate.LogSoftmax.at(ref[1], ch.token(1)),
                Offset.offset(LOGPROB_TOLERANCE));
        assertThat(argmaxB).isBetween(0, m.config().vocabSize() - 1);
        a.close();
        b.close();
        c.close();
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int j = 1; j < row.length; j++) {
            if (row[j] > row[best]) best = j;
        }
        return best;
    }
}
