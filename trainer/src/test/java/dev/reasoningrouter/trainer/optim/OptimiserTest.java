package dev.reasoningrouter.trainer.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.reasoningrouter.trainer.nn.Gradients;
import dev.reasoningrouter.trainer.nn.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimiserTest {

    @Test
    void theScheduleWarmsUpHoldsThePeakAndDecaysOverItsLastPart() {
        LearningRate lr = new LearningRate(2e-3, 10, 100, 0.05, 0.2);
        assertThat(lr.at(0)).isCloseTo(2e-4, offset(1e-12));
        assertThat(lr.at(9)).isCloseTo(2e-3, offset(1e-12));
        assertThat(lr.at(50)).isEqualTo(2e-3);
        assertThat(lr.at(79)).isEqualTo(2e-3);
        assertThat(lr.at(90)).isBetween(1e-4, 2e-3);
        assertThat(lr.at(100)).isCloseTo(1e-4, offset(1e-12));
        // more steps only lengthen the stable part
        assertThat(new LearningRate(2e-3, 10, 1000, 0.05, 0.2).at(79)).isEqualTo(lr.at(79));
    }

    @Test
    void theSelectionBiasMovesEachExpertTowardTheMeanLoad() {
        Parameter bias = new Parameter("bias", Parameter.Role.SELECTION_BIAS, 4);
        long[] loads = {10, 30, 20, 20};
        ExpertBalancer.update(bias, loads, 0.01);
        assertThat(bias.value()).containsExactly(0.01f, -0.01f, 0f, 0f);
        assertThat(ExpertBalancer.imbalance(loads)).isCloseTo(1.5, offset(1e-9));
        assertThat(ExpertBalancer.imbalance(new long[] {5, 5, 5, 5})).isEqualTo(1.0);
        ExpertBalancer.update(bias, new long[4], 0.01); // no tokens: no change
        assertThat(bias.value()).containsExactly(0.01f, -0.01f, 0f, 0f);
    }

    @Test
    void adamWDescendsAndDecaysOnlyMatrices() {
        Parameter w = new Parameter("w", Parameter.Role.MATRIX, 2, 2);
        Parameter n = new Parameter("n", Parameter.Role.NORM, 2);
        Parameter b = new Parameter("b", Parameter.Role.SELECTION_BIAS, 2);
        List<Parameter> ps = List.of(w, n, b);
        w.value()[0] = 1f;
        n.value()[0] = 1f;
        Gradients g = new Gradients(ps);
        AdamW adam = new AdamW(ps, 0.9, 0.95, 1e-8, 0.5);
        // zero gradient: only the decay acts, and only on the matrix
        adam.update(g, 0.1);
        assertThat(w.value()[0]).isCloseTo(0.95f, offset(1e-6f));
        assertThat(n.value()[0]).isEqualTo(1f);
        // a gradient first seen at step 2: bias-corrected moments m = 0.1 * 3 / (1 - 0.9^2), v = 0.05 * 9 / (1 - 0.95^2)
        g.of(n)[1] = 3f;
        adam.update(g, 0.1);
        double m = 0.3 / (1 - 0.81), v = 0.45 / (1 - 0.9025);
        assertThat((double) n.value()[1]).isCloseTo(-0.1 * m / Math.sqrt(v), offset(1e-6));
        assertThat(adam.step()).isEqualTo(2);
        assertThat(b.value()).containsExactly(0f, 0f); // not trained by gradients
    }
}
