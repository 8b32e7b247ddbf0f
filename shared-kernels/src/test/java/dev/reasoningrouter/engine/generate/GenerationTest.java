package dev.reasoningrouter.engine.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reasoningrouter.engine.TestModels;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.model.LoadedModel;
import dev.reasoningrouter.engine.model.ModelLoader;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.tensor.GgmlType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationTest {

    @TempDir
    static Path dir;
    static LoadedModel lm;
    static SyntheticModel m;
    static final int[] PROMPT = {508, 40, 41, 42};

    @BeforeAll
    static void load() {
        m = TestModels.tinySigmoid(17);
        lm = ModelLoader.load(TestModels.writeGguf(m, GgmlType.F32, dir), 2);
    }

    @AfterAll
    static void close() {
        lm.close();
    }

    private GenerationRequest req(SamplingParams sp, int k) {
        return new GenerationRequest(PROMPT, sp, ExpertBudget.of(k, m.config()));
    }

    @Test
    void greedyIsTheArgmaxOfAFullRerunAndReproducible() {
        Generator g = new Generator(lm.model(), null);
        GenerationResult a = g.generate(req(SamplingParams.greedy(8).withIgnoreEos(true), 2), null);
        GenerationResult b = g.generate(req(SamplingParams.greedy(8).withIgnoreEos(true), 2), null);
        assertThat(a.tokens()).hasSize(8).containsExactly(b.tokens());
        assertThat(a.finishReason()).isEqualTo(FinishReason.LENGTH);
        // each generated token is the argmax of the logits of a fresh full run over the sequence so far
        int[] seq = Arrays.copyOf(PROMPT, PROMPT.length + 8);
        System.arraycopy(a.tokens(), 0, seq, PROMPT.length, 8);
        float[][] full = TestModels.prefill(lm.model(), seq, 2);
        for (int i = 0; i < 8; i++) {
            float[] row = full[PROMPT.length - 1 + i];
            int arg = 0;
            for (int j = 1; j < row.length; j++) {
                if (row[j] > row[arg]) {
                    arg = j;
                }
            }
            assertThat(a.tokens()[i]).isEqualTo(arg);
            assertThat(a.logprobs()[i]).isLessThan(0f);
        }
    }

    @Test
    void seededSamplingIsReproducibleAndSeedsDiffer() {
        Generator g = new Generator(lm.model(), null);
        SamplingParams s1 = SamplingParams.sampled(1.0, 0.9, 1234, 16).withIgnoreEos(true);
        int[] a = g.generate(req(s1, 2), null).tokens();
        int[] b = g.generate(req(s1, 2), null).tokens();
        int[] c = g.generate(req(SamplingParams.sampled(1.0, 0.9, 999, 16).withIgnoreEos(true), 2), null).tokens();
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
        int[] greedy = g.generate(req(SamplingParams.greedy(16).withIgnoreEos(true), 2), null).tokens();
        assertThat(a).isNotEqualTo(greedy);
    }

    @Test
    void stopSequencesEndGenerationAndAreNotStreamed() {
        Generator g = new Generator(lm.model(), null);
        int[] free = g.generate(req(SamplingParams.greedy(10).withIgnoreEos(true), 2), null).tokens();
        int[] stop = {free[3], free[4]};
        List<Integer> streamed = new ArrayList<>();
        GenerationResult r = g.generate(req(SamplingParams.greedy(10).withIgnoreEos(true).withStops(List.of(stop), List.of()), 2),
                t -> streamed.add(t.tokenId()));
        int firstAt = -1;
        for (int i = 0; i + 1 < free.length; i++) {
            if (free[i] == stop[0] && free[i + 1] == stop[1]) {
                firstAt = i;
                break;
            }
        }
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.tokens()).containsExactly(Arrays.copyOf(free, firstAt));
        assertThat(streamed).containsExactly(Arrays.stream(r.tokens()).boxed().toArray(Integer[]::new));
    }

    @Test
    void eosEndsGenerationUnlessIgnored() {
        Generator g = new Generator(lm.model(), null);
        int[] free = g.generate(req(SamplingParams.greedy(6).withIgnoreEos(true), 2), null).tokens();
        // a model whose EOS is the third greedy token stops there
        var cfg = m.config();
        var c2 = new dev.reasoningrouter.engine.model.ModelConfig(cfg.vocabSize(), cfg.hiddenSize(), cfg.numLayers(), cfg.numHeads(),
                cfg.qLoraRank(), cfg.kvLoraRank(), cfg.qkNopeHeadDim(), cfg.qkRopeHeadDim(), cfg.vHeadDim(), cfg.intermediateSize(),
                cfg.moeIntermediateSize(), cfg.nRoutedExperts(), cfg.nSharedExperts(), cfg.numExpertsPerTok(), cfg.firstKDenseReplace(),
                cfg.scoringFunc(), cfg.hasSelectionBias(), cfg.normTopKProb(), cfg.routedScalingFactor(), cfg.nGroup(), cfg.topkGroup(),
                cfg.topKMethodGroupSum(), cfg.rmsNormEps(), cfg.ropeTheta(), cfg.ropeScalingFactor(), cfg.ropeOriginalContext(),
                cfg.yarnBetaFast(), cfg.yarnBetaSlow(), cfg.yarnMscaleAllDim(), cfg.maxContext(), cfg.bosTokenId(), free[2]);
        var model2 = new dev.reasoningrouter.engine.model.DeepSeekModel(c2, lm.weights(),
                new dev.reasoningrouter.engine.kernels.cpu.CpuBackend(1));
        GenerationResult r = new Generator(model2, null).generate(new GenerationRequest(PROMPT, SamplingParams.greedy(6),
                new ExpertBudget(2)), null);
        int firstEos = 0;
        while (free[firstEos] != free[2]) {
            firstEos++;
        }
        assertThat(r.finishReason()).isEqualTo(FinishReason.EOS);
        assertThat(r.tokens()).containsExactly(Arrays.copyOf(free, firstEos));
    }

    @Test
    void batchedSequencesEachWithTheirOwnBudgetMatchSoloRuns() {
        Generator g = new Generator(lm.model(), null);
        List<GenerationRequest> reqs = List.of(
                req(SamplingParams.greedy(6).withIgnoreEos(true), 2),
                new GenerationRequest(new int[] {508, 7}, SamplingParams.greedy(9).withIgnoreEos(true), new ExpertBudget(1)),
                req(SamplingParams.sampled(0.8, 0.95, 5, 4).withIgnoreEos(true), 1));
        List<GenerationResult> together = g.generateAll(reqs, null, null);
        for (int i = 0; i < reqs.size(); i++) {
            GenerationResult solo = g.generate(reqs.get(i), null);
            assertThat(together.get(i).tokens()).containsExactly(solo.tokens());
            assertThat(together.get(i).expertsPerToken()).isEqualTo(reqs.get(i).budget().experts());
        }
        assertThat(together.get(0).tokens()).isNotEqualTo(g.generate(req(SamplingParams.greedy(6).withIgnoreEos(true), 1), null).tokens());
    }

    @Test
    void cancellationStopsASequence() {
        Generator g = new Generator(lm.model(), null);
        CancellationToken cancel = new CancellationToken();
        List<Integer> seen = new ArrayList<>();
        GenerationResult r = g.generate(req(SamplingParams.greedy(50).withIgnoreEos(true), 2), t -> {
            seen.add(t.tokenId());
            if (seen.size() == 3) {
                cancel.cancel();
            }
        }, cancel);
        assertThat(r.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(r.tokens()).hasSize(3);
    }

    @Test
    void budgetAboveTopKAndTextStopsWithoutTokenizerAreRefused() {
        Generator g = new Generator(lm.model(), null);
        assertThatThrownBy(() -> g.generate(new GenerationRequest(PROMPT, SamplingParams.greedy(2), new ExpertBudget(3)), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..2");
        assertThatThrownBy(() -> g.generate(req(SamplingParams.greedy(2).withStops(List.of(), List.of("x")), 2), null))
                .hasMessageContaining("tokenizer");
    }

    @Test
    void batchingGeneratorServesConcurrentRequests() throws Exception {
        Generator solo = new Generator(lm.model(), null);
        List<GenerationRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            reqs.add(new GenerationRequest(new int[] {508, 10 + i}, SamplingParams.greedy(5 + i).withIgnoreEos(true),
                    new ExpertBudget(1 + i % 2)));
        }
        List<int[]> expected = new ArrayList<>();
        for (GenerationRequest r : reqs) {
            expected.add(solo.generate(r, null).tokens());
        }
        try (BatchingGenerator bg = new BatchingGenerator(lm.model(), null, 8)) {
            List<CompletableFuture<GenerationResult>> fs = new ArrayList<>();
            for (GenerationRequest r : reqs) {
                fs.add(bg.submit(r, null, null));
            }
            for (int i = 0; i < reqs.size(); i++) {
                assertThat(fs.get(i).get(30, TimeUnit.SECONDS).tokens()).containsExactly(expected.get(i));
            }
            CompletableFuture<GenerationResult> bad = bg.submit(new GenerationRequest(PROMPT, SamplingParams.greedy(2),
                    new ExpertBudget(5)), null, null);
            assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).hasMessageContaining("expert budget");
        }
    }
}
