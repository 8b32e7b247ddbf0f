package dev.reasoningrouter.classifier.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BinaryMetricsTest {

    @Test
    void rocAucCountsTiesAsHalf() {
        double[] s = {0.1, 0.4, 0.35, 0.8};
        boolean[] y = {false, false, true, true};
        assertThat(BinaryMetrics.rocAuc(s, y)).isCloseTo(0.75, within(1e-12));
        assertThat(BinaryMetrics.rocAuc(new double[] {0.5, 0.5}, new boolean[] {false, true})).isEqualTo(0.5);
        assertThat(BinaryMetrics.rocAuc(new double[] {0.1, 0.9}, new boolean[] {true, true})).isNaN();
    }

    @Test
    void confusionAndRatesAtThreshold() {
        double[] s = {0.1, 0.6, 0.4, 0.9, 0.7};
        boolean[] y = {false, false, true, true, true};
        BinaryMetrics m = BinaryMetrics.of(s, y, 0.5);
        assertThat(new int[] {m.tp(), m.fp(), m.tn(), m.fn()}).containsExactly(2, 1, 1, 1);
        assertThat(m.accuracy()).isEqualTo(0.6);
        assertThat(m.precision()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(m.recall()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(m.reasoningShare()).isEqualTo(0.6);
    }

    @Test
    void recallThresholdIsTheHighestThatKeepsTheTarget() {
        double[] s = {0.2, 0.3, 0.5, 0.7, 0.9, 0.95};
        boolean[] y = {true, false, true, true, true, false};
        // 4 reasoning items: recall 0.75 needs 3 of them -> the third highest reasoning score
        assertThat(BinaryMetrics.thresholdForRecall(s, y, 0.75)).isEqualTo(0.5);
        assertThat(BinaryMetrics.thresholdForRecall(s, y, 1.0)).isEqualTo(0.2);
    }

    @Test
    void calibrationTakesTheLogitMidpointOfTheAdmissibleGap() {
        double[] s = {0.05, 0.10, 0.50, 0.90, 0.95, 0.97};
        boolean[] y = {false, false, false, true, true, true};
        double t = BinaryMetrics.calibrate(s, y, 0.95);
        // highest routine score below 0.90 is 0.50 -> midpoint of logit(0.5)=0 and logit(0.9)
        double expected = 1 / (1 + Math.exp(-Math.log(9) / 2));
        assertThat(t).isCloseTo(expected, within(1e-9));
        BinaryMetrics m = BinaryMetrics.of(s, y, t);
        assertThat(m.recall()).isEqualTo(1.0);
        assertThat(m.fp()).isZero();
    }
}
