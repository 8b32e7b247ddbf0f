package dev.reasoningrouter.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.engine.synth.SyntheticModel;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class RotaryEmbeddingTest {

    @Test
    void theInverseRotationUndoesTheRotationAndIsItsTranspose() {
        for (String preset : new String[] {"tiny", "small"}) { // both use YaRN scaling
            ModelConfig c = SyntheticModel.presetConfig(preset);
            RotaryEmbedding rope = new RotaryEmbedding(c);
            rope.ensure(1000);
            int dim = c.qkRopeHeadDim();
            Random r = new Random(1);
            for (int pos : new int[] {0, 1, 63, 999}) {
                float[] x = new float[dim], g = new float[dim];
                for (int i = 0; i < dim; i++) {
                    x[i] = (float) r.nextGaussian();
                    g[i] = (float) r.nextGaussian();
                }
                float[] y = x.clone();
                rope.apply(y, 0, pos);
                float[] back = y.clone();
                rope.applyInverse(back, 0, pos);
                float[] gt = g.clone();
                rope.applyInverse(gt, 0, pos);
                double yg = 0, xgt = 0;
                for (int i = 0; i < dim; i++) {
                    assertThat(back[i]).isCloseTo(x[i], Offset.offset(1e-5f));
                    yg += y[i] * g[i];
                    xgt += x[i] * gt[i];
                }
                assertThat(yg).isCloseTo(xgt, Offset.offset(1e-4));
                if (pos > 0) {
                    assertThat(y).isNotEqualTo(x);
                }
            }
        }
    }
}
