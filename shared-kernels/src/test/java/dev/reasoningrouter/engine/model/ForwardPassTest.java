package dev.reasoningrouter.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reasoningrouter.engine.TestModels;
import dev.reasoningrouter.engine.reference.ReferenceDeepSeek;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.tensor.GgmlType;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ForwardPassTest {

    @TempDir
    Path dir;

    static final int[] TOKENS = {256, 5, 77, 300 % 256, 12, 9, 130, 44};

    static Stream<SyntheticModel> models() {
        return Stream.of(TestModels.tinySigmoid(7), TestModels.tinyNoQLora(9), TestModels.tinySoftmaxQLora(11), TestModels.tinySigmoidQLora(13));
    }

    @ParameterizedTest
    @MethodSource("models")
    void engineLogitsMatchTheFloat64Reference(SyntheticModel m) {
        double[][] ref = new ReferenceDeepSeek(m).logits(TOKENS, TestModels.fullBudget(m));
        try (LoadedModel lm = ModelLoader.load(TestModels.writeGguf(m, GgmlType.F32, dir), 2)) {
            float[][] got = TestModels.prefill(lm.model(), TOKENS, TestModels.fullBudget(m));
            assertThat(TestModels.relativeMaxDiff(got, ref)).isLessThan(1e-4);
            // the reference itself must be sensitive: a different budget gives clearly different logits
            double[][] ref1 = new ReferenceDeepSeek(m).logits(TOKENS, 1);
            assertThat(TestModels.relativeMaxDiff(got, ref1)).isGreaterThan(1e-3);
            float[][] got1 = TestModels.prefill(lm.model(), TOKENS, 1);
            assertThat(TestModels.relativeMaxDiff(got1, ref1)).isLessThan(1e-4);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void absorbedAndPlainAttentionAgree(SyntheticModel m) {
        try (LoadedModel lm = ModelLoader.load(TestModels.writeGguf(m, GgmlType.F32, dir), 2)) {
            DeepSeekModel model = (DeepSeekModel) lm.model();
            model.setAttentionMode(DeepSeekModel.AttentionMode.PLAIN);
            float[][] plain = TestModels.prefill(model, TOKENS, TestModels.fullBudget(m));
            model.setAttentionMode(DeepSeekModel.AttentionMode.ABSORBED);
            float[][] absorbed = TestModels.prefill(model, TOKENS, TestModels.fullBudget(m));
            assertThat(TestModels.relativeMaxDiff(absorbed, TestModels.toDouble(plain))).isLessThan(1e-5);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void incrementalDecodeEqualsFullRerun(SyntheticModel m) {
        int k = TestModels.fullBudget(m);
        try (LoadedModel lm = ModelLoader.load(TestModels.writeGguf(m, GgmlType.F32, dir), 2)) {
            float[][] full = TestModels.prefill(lm.model(), TOKENS, k);
            LatentKvCache cache = lm.model().newCache(2);
            float[][] first = TestModels.step(lm.model(), cache, new int[] {TOKENS[0], TOKENS[1], TOKENS[2]}, k);
            float[][] inc = new float[TOKENS.length][];
            System.arraycopy(first, 0, inc, 0, 3);
            for (int i = 3; i < TOKENS.length; i++) {
                inc[i] = TestModels.step(lm.model(), cache, new int[] {TOKENS[i]}, k)[0];
            }
            assertThat(cache.length()).isEqualTo(TOKENS.length);
            assertThat(TestModels.relativeMaxDiff(inc, TestModels.toDouble(full))).isLessThan(1e-5);
        }
    }

    @Test
    void batchedSequencesMatchSeparateRuns() {
        SyntheticModel m = TestModels.tinySigmoid(3);
        try (LoadedModel lm = ModelLoader.load(TestModels.writeGguf(m, GgmlType.F32, dir), 2)) {
            InferenceModel model = lm.model();
            int[] a = {256, 10, 20, 30};
            int[] b = {256, 99, 98};
            float[][] refA = TestModels.prefill(model, a, 2);
            float[][] refB = TestModels.prefill(model, b, 1);
            LatentKvCache ca = model.newCache(8), cb = model.newCache(8);
            TestModels.step(model, ca, new int[] {a[0], a[1], a[2]}, 2);
            TestModels.step(model, cb, new int[] {b[0], b[1]}, 1);
            float[][] out = model.forward(new LatentKvCache[] {ca, cb}, new int[] {a[3], b[2]}, 2, new int[] {2, 1},
                    new boolean[] {true, true});
            assertThat(TestModels.relativeMaxDiff(new float[][] {out[0]}, TestModels.toDouble(new float[][] {refA[3]}))).isLessThan(1e-5);
            assertThat(TestModels.relativeMaxDiff(new float[][] {out[1]}, TestModels.toDouble(new float[][] {refB[2]}))).isLessThan(1e-5);
        }
    }

    @Test
    void budgetAboveTrainedTopKIsRefused() {
        SyntheticModel m = TestModels.tinySigmoid(3);
        assertThatThrownBy(() -> ExpertBudget.of(3, m.config()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..2");
        assertThat(ExpertBudget.of(1, m.config()).experts()).isEqualTo(1);
    }
}
