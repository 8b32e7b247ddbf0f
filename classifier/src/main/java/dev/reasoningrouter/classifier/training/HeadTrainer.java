package dev.reasoningrouter.classifier.training;

import dev.reasoningrouter.classifier.model.ComplexityModel.LinearHead;
import dev.reasoningrouter.classifier.model.ComplexityModel.SoftmaxHead;
import java.util.SplittableRandom;

/**
 * Full-batch gradient descent (Adam) with L2 for the logistic and softmax heads. Full batch and a
 * fixed iteration count make a run a pure function of (data, seed, hyper-parameters); the seed only
 * draws the small initial weights.
 */
public final class HeadTrainer {

    /**
     * @param iterations Adam steps over the whole training set
     * @param learningRate Adam step size
     * @param l2 weight decay (not applied to biases)
     */
    public record Hyper(int iterations, double learningRate, double l2) {
        /** Route head: l2 1e-3 traded a little dev AUC for much better accuracy on unseen sources (README). */
        public static final Hyper DEFAULT = new Hyper(400, 0.05, 1e-3);
        /** Task head: its labels are source-derived anyway, a lighter penalty fits them better. */
        public static final double TASK_L2 = 1e-4;
    }

    private final Hyper hyper;
    private final long seed;

    public HeadTrainer(Hyper hyper, long seed) {
        this.hyper = hyper;
        this.seed = seed;
    }

    public LinearHead trainLogistic(double[][] x, boolean[] y) {
        int n = x.length;
        int d = x[0].length;
        double[] w = init(d, seed);
        double[] b = {0};
        Adam adamW = new Adam(d);
        Adam adamB = new Adam(1);
        double[] gw = new double[d];
        double[] gb = new double[1];
        for (int it = 1; it <= hyper.iterations(); it++) {
            java.util.Arrays.fill(gw, 0);
            gb[0] = 0;
            for (int i = 0; i < n; i++) {
                double[] xi = x[i];
                double z = b[0];
                for (int j = 0; j < d; j++) {
                    z += w[j] * xi[j];
                }
                double err = sigmoid(z) - (y[i] ? 1 : 0);
                for (int j = 0; j < d; j++) {
                    gw[j] += err * xi[j];
                }
                gb[0] += err;
            }
            for (int j = 0; j < d; j++) {
                gw[j] = gw[j] / n + hyper.l2() * w[j];
            }
            gb[0] /= n;
            adamW.step(w, gw, it);
            adamB.step(b, gb, it);
        }
        return new LinearHead(toFloat(w), b[0]);
    }

    /** @param y class index per row, or -1 for rows without a label (skipped) */
    public SoftmaxHead trainSoftmax(double[][] x, int[] y, int classes) {
        int d = x[0].length;
        int n = 0;
        for (int label : y) {
            if (label >= 0) {
                n++;
            }
        }
        double[][] w = new double[classes][];
        Adam[] adam = new Adam[classes];
        for (int k = 0; k < classes; k++) {
            w[k] = init(d, seed + 1 + k);
            adam[k] = new Adam(d);
        }
        double[] b = new double[classes];
        Adam adamB = new Adam(classes);
        double[][] gw = new double[classes][d];
        double[] gb = new double[classes];
        double[] p = new double[classes];
        for (int it = 1; it <= hyper.iterations(); it++) {
            for (double[] row : gw) {
                java.util.Arrays.fill(row, 0);
            }
            java.util.Arrays.fill(gb, 0);
            for (int i = 0; i < x.length; i++) {
                if (y[i] < 0) {
                    continue;
                }
                double[] xi = x[i];
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < classes; k++) {
                    double z = b[k];
                    double[] wk = w[k];
                    for (int j = 0; j < d; j++) {
                        z += wk[j] * xi[j];
                    }
                    p[k] = z;
                    max = Math.max(max, z);
                }
                double sum = 0;
                for (int k = 0; k < classes; k++) {
                    p[k] = Math.exp(p[k] - max);
                    sum += p[k];
                }
                for (int k = 0; k < classes; k++) {
                    double err = p[k] / sum - (y[i] == k ? 1 : 0);
                    double[] g = gw[k];
                    for (int j = 0; j < d; j++) {
                        g[j] += err * xi[j];
                    }
                    gb[k] += err;
                }
            }
            for (int k = 0; k < classes; k++) {
                for (int j = 0; j < d; j++) {
                    gw[k][j] = gw[k][j] / n + hyper.l2() * w[k][j];
                }
                gb[k] /= n;
                adam[k].step(w[k], gw[k], it);
            }
            adamB.step(b, gb, it);
        }
        float[][] wf = new float[classes][];
        for (int k = 0; k < classes; k++) {
            wf[k] = toFloat(w[k]);
        }
        return new SoftmaxHead(wf, b);
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private static double[] init(int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] w = new double[d];
        for (int j = 0; j < d; j++) {
            w[j] = (random.nextDouble() - 0.5) * 0.02;
        }
        return w;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private final class Adam {
        private final double[] m;
        private final double[] v;

        Adam(int d) {
            m = new double[d];
            v = new double[d];
        }

        void step(double[] w, double[] g, int t) {
            double b1 = 0.9;
            double b2 = 0.999;
            double c1 = 1 - Math.pow(b1, t);
            double c2 = 1 - Math.pow(b2, t);
            for (int j = 0; j < w.length; j++) {
                m[j] = b1 * m[j] + (1 - b1) * g[j];
                v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
                w[j] -= hyper.learningRate() * (m[j] / c1) / (Math.sqrt(v[j] / c2) + 1e-8);
            }
        }
    }
}
