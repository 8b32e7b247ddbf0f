package dev.reasoningrouter.classifier.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.classifier.model.ComplexityModel.LinearHead;
import dev.reasoningrouter.classifier.model.ComplexityModel.SoftmaxHead;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HeadTrainerTest {

    @Test
    void logisticHeadSeparatesAndIsDeterministicForASeed() {
        SplittableRandom r = new SplittableRandom(7);
        int n = 200;
        double[][] x = new double[n][3];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2 == 0;
            x[i][0] = (y[i] ? 1 : -1) + r.nextGaussian() * 0.5;
            x[i][1] = r.nextGaussian();
            x[i][2] = r.nextGaussian();
        }
        HeadTrainer.Hyper hyper = new HeadTrainer.Hyper(300, 0.05, 1e-4);
        LinearHead a = new HeadTrainer(hyper, 1).trainLogistic(x, y);
        LinearHead b = new HeadTrainer(hyper, 1).trainLogistic(x, y);
        LinearHead c = new HeadTrainer(hyper, 2).trainLogistic(x, y);
        assertThat(a.weights()).containsExactly(b.weights());
        assertThat(a.weights()).isNotEqualTo(c.weights());
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            scores[i] = a.probability(x[i]);
        }
        assertThat(BinaryMetrics.rocAuc(scores, y)).isGreaterThan(0.97);
        assertThat(Math.abs(a.weights()[0])).isGreaterThan(5 * Math.abs(a.weights()[1]));
    }

    @Test
    void softmaxHeadLearnsThreeClassesAndSkipsUnlabelledRows() {
        int n = 150;
        double[][] x = new double[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int k = i % 3;
            x[i] = new double[] {k == 0 ? 1 : 0, k == 1 ? 1 : 0, k == 2 ? 1 : 0};
            y[i] = i % 10 == 9 ? -1 : k;
        }
        SoftmaxHead head = new HeadTrainer(new HeadTrainer.Hyper(200, 0.05, 1e-4), 3).trainSoftmax(x, y, 3);
        for (int k = 0; k < 3; k++) {
            double[] p = head.probabilities(x[k]);
            assertThat(p[k]).isGreaterThan(0.9);
            assertThat(p[0] + p[1] + p[2]).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
        }
    }
}
