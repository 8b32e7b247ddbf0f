package dev.reasoningrouter.engine.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.engine.TestModels;
import dev.reasoningrouter.engine.model.DeviceTokenChoice;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.model.InferenceModel;
import dev.reasoningrouter.engine.model.LatentKvCache;
import dev.reasoningrouter.engine.model.LoadedModel;
import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.model.ModelLoader;
import dev.reasoningrouter.engine.model.TokenChoices;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.tensor.GgmlType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which requests the generator lets the model choose tokens for (the {@link DeviceTokenChoice} seam), and that the
 * rest of generation treats those tokens as it treats host-sampled ones. The model at the seam is a fake: the real
 * CPU model for the logits, with the choice made on the host the way the CUDA kernels define it (argmax; nucleus
 * in id order with the given uniform), and a record of what each step asked for. The CUDA model itself is checked
 * by {@code CudaTokenChoiceTest}.
 */
class DeviceChoiceTest {

    @TempDir
    static Path dir;
    static LoadedModel lm;
    static SyntheticModel m;
    static final int[] PROMPT = {508, 40, 41, 42};

    ChoosingModel fake;

    @BeforeAll
    static void load() {
        m = TestModels.tinySigmoid(17);
        lm = ModelLoader.load(TestModels.writeGguf(m, GgmlType.F32, dir), 2);
    }

    @AfterAll
    static void close() {
        lm.close();
    }

    @BeforeEach
    void fake() {
        fake = new ChoosingModel(lm.model());
    }

    private GenerationRequest req(SamplingParams sp) {
        return new GenerationRequest(PROMPT, sp, ExpertBudget.full(m.config()));
    }

    @Test
    void whichRequestsAreChosenOnTheDevice() {
        Generator g = new Generator(fake, null);
        assertThat(g.choosesOnDevice(SamplingParams.greedy(4))).isTrue();
        assertThat(g.choosesOnDevice(SamplingParams.sampled(0.7, 0.9, 1, 4))).isTrue();
        assertThat(g.choosesOnDevice(SamplingParams.sampled(2, 1, 1, 4))).isTrue();
        assertThat(g.choosesOnDevice(SamplingParams.sampled(1e-30, 0.5, 1, 4))).as("1 / T still a finite float").isTrue();
        // stops, EOS handling and the token limit work from the ids
        assertThat(g.choosesOnDevice(SamplingParams.sampled(0.7, 0.9, 1, 4).withStops(List.of(new int[] {3, 4}), List.of("x"))
                .withIgnoreEos(true))).isTrue();
        // the kernels scale by 1 / T in float: a temperature whose reciprocal overflows samples on the host
        assertThat(g.choosesOnDevice(SamplingParams.sampled(1e-40, 0.9, 1, 4))).isFalse();
        assertThat(g.choosesOnDevice(SamplingParams.sampled(Double.MIN_VALUE, 1, 1, 4))).isFalse();
        // turned off, or a model without the seam: always host logits
        assertThat(new Generator(fake, null, false).choosesOnDevice(SamplingParams.greedy(4))).isFalse();
        assertThat(new Generator(lm.model(), null).choosesOnDevice(SamplingParams.greedy(4))).isFalse();
        assertThat(TokenChoices.canChoose(0)).isTrue();
        assertThat(TokenChoices.canChoose(2e-39)).as("1 / T above Float.MAX_VALUE").isFalse();
        assertThat(TokenChoices.canChoose(3e-39)).isTrue();
    }

    @Test
    void greedyOnTheDeviceDownloadsNoLogitsAndMatchesTheHostPath() {
        SamplingParams sp = SamplingParams.greedy(8).withIgnoreEos(true);
        GenerationResult host = new Generator(lm.model(), null).generate(req(sp), null);
        GenerationResult dev = new Generator(fake, null).generate(req(sp), null);
        assertThat(dev.tokens()).containsExactly(host.tokens());
        // the same logits up to the CPU model's run-to-run float noise (its threads' reduction order)
        assertThat(dev.logprobs()).containsExactly(host.logprobs(), org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(fake.logitRows).as("no row asked for logits: prefill's last row and every decode step chose").isZero();
        assertThat(fake.greedyRows).isEqualTo(8);
        assertThat(fake.sampledRows).isZero();
    }

    @Test
    void turnedOffTheSameModelSamplesFromHostLogits() {
        SamplingParams sp = SamplingParams.greedy(5).withIgnoreEos(true);
        GenerationResult host = new Generator(fake, null, false).generate(req(sp), null);
        assertThat(fake.greedyRows + fake.sampledRows).isZero();
        assertThat(fake.logitRows).isEqualTo(5);
        assertThat(host.tokens()).containsExactly(new Generator(fake, null).generate(req(sp), null).tokens());
    }

    @Test
    void sampledTokensUseOneUniformPerTokenFromTheSequencesSeed() {
        SamplingParams sp = SamplingParams.sampled(1.3, 0.95, 1234, 10).withIgnoreEos(true);
        Generator g = new Generator(fake, null);
        GenerationResult a = g.generate(req(sp), null);
        List<Float> uniforms = List.copyOf(fake.uniforms);
        GenerationResult b = g.generate(req(sp), null);
        GenerationResult c = g.generate(req(SamplingParams.sampled(1.3, 0.95, 999, 10).withIgnoreEos(true)), null);
        assertThat(a.tokens()).hasSize(10).containsExactly(b.tokens());
        assertThat(a.tokens()).isNotEqualTo(c.tokens());
        assertThat(fake.logitRows).isZero();
        // the uniforms are the sequence's seeded draws, the same ones the host sampler would make
        SplittableRandom r = new SplittableRandom(1234);
        assertThat(uniforms).hasSize(10);
        for (float u : uniforms) {
            assertThat(u).isEqualTo((float) r.nextDouble());
        }
        // each log-probability is the model's (temperature 1), as on the host path
        for (int i = 0; i < 10; i++) {
            assertThat(a.logprobs()[i]).isLessThan(0f);
        }
        assertThat(fake.temperatures).containsOnly(1.3f);
        assertThat(fake.topPs).containsOnly(0.95f);
    }

    @Test
    void aRequestTheDeviceCannotTakeGetsLogitsInTheSameStepsAsOnesItChoosesFor() {
        // T = 1e-40: 1 / T overflows a float, so this one samples from host logits (practically the argmax)
        SamplingParams tiny = SamplingParams.sampled(1e-40, 0.9, 5, 6).withIgnoreEos(true);
        SamplingParams greedy = SamplingParams.greedy(6).withIgnoreEos(true);
        Generator g = new Generator(fake, null);
        List<GenerationResult> both = g.generateAll(List.of(req(greedy), req(tiny)), null, null);
        assertThat(fake.mixedSteps).as("decode steps with one choosing row and one logits row").isEqualTo(5);
        assertThat(fake.logitRows).isEqualTo(6);
        assertThat(fake.greedyRows).isEqualTo(6);
        GenerationResult soloHost = new Generator(lm.model(), null).generate(req(greedy), null);
        assertThat(both.get(0).tokens()).containsExactly(soloHost.tokens());
        assertThat(both.get(1).tokens()).containsExactly(soloHost.tokens());
        assertThat(both.get(1).logprobs()).containsExactly(soloHost.logprobs(), org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void stopSequencesWorkOnDeviceChosenTokens() {
        SamplingParams sp = SamplingParams.greedy(8).withIgnoreEos(true);
        int[] all = new Generator(fake, null).generate(req(sp), null).tokens();
        List<GeneratedToken> streamed = new ArrayList<>();
        GenerationResult r = new Generator(fake, null).generate(req(sp.withStops(List.<int[]>of(new int[] {all[2], all[3]}), List.of())),
                streamed::add);
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.tokens()).containsExactly(all[0], all[1]);
        assertThat(streamed).extracting(GeneratedToken::tokenId).containsExactly(all[0], all[1]);
    }

    @Test
    void theBatchingGeneratorChoosesOnTheDeviceToo() throws Exception {
        SamplingParams sp = SamplingParams.greedy(6).withIgnoreEos(true);
        GenerationResult host = new Generator(lm.model(), null).generate(req(sp), null);
        try (BatchingGenerator bg = new BatchingGenerator(fake, null, 4)) {
            GenerationResult got = bg.submit(req(sp), null, null).get(60, TimeUnit.SECONDS);
            assertThat(got.tokens()).containsExactly(host.tokens());
        }
        assertThat(fake.greedyRows).isEqualTo(6);
        assertThat(fake.logitRows).isZero();
    }

    /** The real model for logits; the choice made on the host as the CUDA kernels define it; counts of what was asked. */
    static final class ChoosingModel implements DeviceTokenChoice {
        final InferenceModel inner;
        int logitRows, greedyRows, sampledRows, mixedSteps;
        final List<Float> uniforms = new ArrayList<>(), temperatures = new ArrayList<>(), topPs = new ArrayList<>();
        private final boolean[] all = new boolean[256];

        ChoosingModel(InferenceModel inner) {
            this.inner = inner;
        }

        @Override
        public ModelConfig config() {
            return inner.config();
        }

        @Override
        public LatentKvCache newCache(int capacity) {
            return inner.newCache(capacity);
        }

        @Override
        public String backendName() {
            return "fake device over " + inner.backendName();
        }

        @Override
        public float[][] forward(LatentKvCache[] caches, int[] tokens, int n, int[] experts, boolean[] wantLogits) {
            for (int i = 0; i < n; i++) {
                logitRows += wantLogits[i] ? 1 : 0;
            }
            return inner.forward(caches, tokens, n, experts, wantLogits);
        }

        @Override
        public float[][] forward(LatentKvCache[] caches, int[] tokens, int n, int[] experts, boolean[] wantLogits, TokenChoices choices) {
            boolean want = false, choose = false;
            for (int i = 0; i < n; i++) {
                all[i] = wantLogits[i] || choices.chooses(i);
                want |= wantLogits[i];
                choose |= choices.chooses(i);
                logitRows += wantLogits[i] ? 1 : 0;
            }
            mixedSteps += want && choose ? 1 : 0;
            float[][] logits = inner.forward(caches, tokens, n, experts, all);
            for (int i = 0; i < n; i++) {
                switch (choices.mode(i)) {
                    case NONE -> { }
                    case GREEDY -> {
                        greedyRows++;
                        int best = 0;
                        for (int j = 1; j < logits[i].length; j++) {
                            if (logits[i][j] > logits[i][best]) {
                                best = j;
                            }
                        }
                        choices.chosen(i, best, (float) LogSoftmax.at(logits[i], best));
                    }
                    case SAMPLE -> {
                        sampledRows++;
                        uniforms.add(choices.uniform(i));
                        temperatures.add(choices.temperature(i));
                        topPs.add(choices.topP(i));
                        int t = nucleusInIdOrder(logits[i], choices.temperature(i), choices.topP(i), choices.uniform(i));
                        choices.chosen(i, t, (float) LogSoftmax.at(logits[i], t));
                    }
                }
                if (!wantLogits[i]) {
                    logits[i] = null;
                }
            }
            return logits;
        }

        /** rr_sample_top_p's definition: the smallest most-likely set reaching topP, then id order with u. */
        static int nucleusInIdOrder(float[] logits, double temperature, double topP, double u) {
            int n = logits.length;
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float l : logits) {
                max = Math.max(max, l);
            }
            double[] p = new double[n];
            for (int i = 0; i < n; i++) {
                p[i] = Math.exp((logits[i] - max) / temperature);
                sum += p[i];
            }
            Integer[] idx = new Integer[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
                p[i] /= sum;
            }
            java.util.Arrays.sort(idx, (a, b) -> Double.compare(p[b], p[a]));
            boolean[] kept = new boolean[n];
            double mass = 0;
            for (int r = 0; r < n && (r == 0 || mass < topP); r++) {
                kept[idx[r]] = true;
                mass += p[idx[r]];
            }
            double target = u * mass, run = 0;
            int last = -1;
            for (int i = 0; i < n; i++) {
                if (kept[i]) {
                    last = i;
                    run += p[i];
                    if (run > target) {
                        return i;
                    }
                }
            }
            return last;
        }
    }
}
