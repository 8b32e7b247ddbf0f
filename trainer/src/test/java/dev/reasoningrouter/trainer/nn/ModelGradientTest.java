package dev.reasoningrouter.trainer.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.trainer.data.TokenSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The whole model's gradient, tensor by tensor, against finite differences of the training loss (mean cross-entropy
 * of the reply tokens): embedding, every norm, attention and FFN matrix, router, routed and shared expert, final norm
 * and LM head. Weights are scaled up from the training initialisation so that every layer matters to the loss.
 */
class ModelGradientTest {

    @Test
    void everyTensorsGradientMatchesFiniteDifferences() {
        ModelConfig c = LayerGradientTest.config();
        TrainableModel m = new TrainableModel(c);
        m.initialise(3);
        Random r = new Random(3);
        for (Parameter p : m.parameters()) {
            float[] v = p.value();
            switch (p.role()) {
                case MATRIX -> scale(v, 0.7f / (0.02f * (float) Math.sqrt(p.cols())));
                case EMBEDDING -> scale(v, 50f);
                case NORM -> {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (1 + 0.3 * r.nextGaussian());
                    }
                }
                case SELECTION_BIAS -> {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (0.1 * r.nextGaussian());
                    }
                }
            }
        }
        m.refresh();
        SplittableRandom rnd = new SplittableRandom(4);
        List<TokenSequence> seqs = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            int[] t = new int[12 + 5 * s];
            for (int i = 0; i < t.length; i++) {
                t[i] = rnd.nextInt(c.vocabSize());
            }
            seqs.add(new TokenSequence(t, 3 + s, 1 + s));
        }
        TrainableModel.Worker w = m.newWorker();
        TrainableModel.Pass pass = m.forwardBackward(w, seqs, 1.0);
        assertThat(pass.targets()).isEqualTo(seqs.stream().mapToInt(TokenSequence::targets).sum());
        w.replayRouting(true);
        int checked = 0;
        for (Parameter p : m.parameters()) {
            if (!p.trainable()) {
                assertThat(p.name()).endsWith("e_score_correction_bias");
                continue;
            }
            double err = FiniteDifferences.worstError(() -> m.loss(w, seqs).lossSum(), p.value(), w.gradients().of(p), m::refresh,
                    1e-2, p.name().hashCode());
            assertThat(err).as(p.name()).isLessThan(3e-3);
            checked++;
        }
        assertThat(checked).isEqualTo(m.parameters().size() - c.moeLayerCount());
    }

    private static void scale(float[] v, float f) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= f;
        }
    }
}
