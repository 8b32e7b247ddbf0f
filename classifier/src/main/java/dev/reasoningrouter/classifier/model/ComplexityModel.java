package dev.reasoningrouter.classifier.model;

import java.util.List;
import java.util.Map;

/**
 * The trained head, as committed in {@code src/main/resources/model/complexity-model.json}. The
 * sentence encoder itself is not in here: {@code embedding} names the Maven-packaged encoder the head
 * was trained on.
 *
 * @param version            content-derived id: the same training run always gives the same version
 * @param embedding          encoder id, see {@link MiniLmEmbedder.Variant}
 * @param windowTokens       encoder window (word pieces, with the two special tokens)
 * @param structuralFeatures names of the extra features appended to the embedding (empty: none), see
 *                           {@link ExtraFeatures}
 * @param structuralMean     per-feature mean on the training set (standardisation)
 * @param structuralStd      per-feature standard deviation on the training set
 * @param anchors            anchor descriptions for the anchor-similarity features (null when unused)
 * @param route              logistic head for P(reasoning)
 * @param taskTypes          task-type labels, in the order of the task head's rows
 * @param task               softmax head for the task type
 * @param threshold          score at or above which a query goes to the reasoning path
 * @param calibration        how the threshold was chosen
 * @param lengthBaseline     a logistic model on log(length) only, trained on the same data, for comparison
 * @param training           how the head was trained (seed, data, hyper-parameters)
 * @param devMetrics         metrics on the development set at {@code threshold}
 */
public record ComplexityModel(
        String version,
        String embedding,
        int windowTokens,
        List<String> structuralFeatures,
        double[] structuralMean,
        double[] structuralStd,
        Anchors anchors,
        LinearHead route,
        List<String> taskTypes,
        SoftmaxHead task,
        double threshold,
        Calibration calibration,
        LengthBaseline lengthBaseline,
        Map<String, Object> training,
        Map<String, Object> devMetrics) {

    /** Width of the feature vector the heads read. */
    public int featureDimension(int embeddingDimension) {
        return embeddingDimension + structuralFeatures.size();
    }

    /** Short descriptions of each class; see {@link ExtraFeatures}. */
    public record Anchors(List<String> reasoning, List<String> routine) {}

    /** sigmoid(w . x + b). */
    public record LinearHead(float[] weights, double bias) {
        public double probability(double[] x) {
            double z = bias;
            for (int i = 0; i < weights.length; i++) {
                z += weights[i] * x[i];
            }
            return 1 / (1 + Math.exp(-z));
        }
    }

    /** softmax(W x + b), one row per class. */
    public record SoftmaxHead(float[][] weights, double[] bias) {
        public double[] probabilities(double[] x) {
            double[] z = new double[bias.length];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < z.length; k++) {
                double s = bias[k];
                float[] w = weights[k];
                for (int i = 0; i < w.length; i++) {
                    s += w[i] * x[i];
                }
                z[k] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int k = 0; k < z.length; k++) {
                z[k] = Math.exp(z[k] - max);
                sum += z[k];
            }
            for (int k = 0; k < z.length; k++) {
                z[k] /= sum;
            }
            return z;
        }
    }

    /**
     * @param goal          the stated goal, in words
     * @param targetRecall  minimum recall of {@code reasoning} on the calibration set
     * @param calibratedOn  the file the threshold was calibrated on
     * @param recall        achieved recall there
     * @param reasoningShare share of that set's traffic sent to the reasoning path
     */
    public record Calibration(String goal, double targetRecall, String calibratedOn, double recall, double reasoningShare) {}

    /** P(reasoning) = sigmoid(weight * log1p(chars) + bias), with its own calibrated threshold. */
    public record LengthBaseline(double weight, double bias, double threshold) {
        public double score(String text) {
            return 1 / (1 + Math.exp(-(weight * Math.log1p(text.length()) + bias)));
        }
    }
}
