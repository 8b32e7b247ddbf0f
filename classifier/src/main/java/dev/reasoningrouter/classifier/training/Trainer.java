package dev.reasoningrouter.classifier.training;

import dev.reasoningrouter.classifier.model.ComplexityModel;
import dev.reasoningrouter.classifier.model.ComplexityModel.Calibration;
import dev.reasoningrouter.classifier.model.ComplexityModel.LengthBaseline;
import dev.reasoningrouter.classifier.model.ComplexityModel.LinearHead;
import dev.reasoningrouter.classifier.model.ComplexityModel.SoftmaxHead;
import dev.reasoningrouter.classifier.model.FeatureExtractor;
import dev.reasoningrouter.classifier.model.ExtraFeatures;
import dev.reasoningrouter.classifier.model.TextEmbedder;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Trains both heads and the length baseline, calibrates the threshold on dev, and builds the artifact. */
public final class Trainer {

    /**
     * @param seed         seeds the initial weights
     * @param structural   names of the extra features appended to the embedding (empty: none), see ExtraFeatures
     * @param hyper        optimiser settings
     * @param targetRecall calibration goal: reasoning recall on dev at least this, at the highest threshold
     */
    public record Options(long seed, List<String> structural, HeadTrainer.Hyper hyper, double targetRecall) {}

    private final TextEmbedder embedder;
    private final int windowTokens;

    public Trainer(TextEmbedder embedder, int windowTokens) {
        this.embedder = embedder;
        this.windowTokens = windowTokens;
    }

    public ComplexityModel train(List<Example> train, List<Example> dev, Options options, String trainName, String devName) {
        // Structural standardisation from the training set only.
        int k = options.structural().size();
        ComplexityModel.Anchors anchors = usesAnchors(options.structural()) ? ExtraFeatures.DEFAULT_ANCHORS : null;
        ExtraFeatures extra = new ExtraFeatures(options.structural(), anchors, embedder);
        double[][] rawTrain = structural(train, extra);
        double[] mean = new double[k];
        double[] std = new double[k];
        for (int j = 0; j < k; j++) {
            double s = 0;
            for (double[] r : rawTrain) {
                s += r[j];
            }
            mean[j] = s / rawTrain.length;
            double v = 0;
            for (double[] r : rawTrain) {
                v += (r[j] - mean[j]) * (r[j] - mean[j]);
            }
            std[j] = Math.max(1e-6, Math.sqrt(v / rawTrain.length));
        }
        double[][] x = features(train, rawTrain, mean, std);
        boolean[] y = labels(train);

        HeadTrainer trainer = new HeadTrainer(options.hyper(), options.seed());
        LinearHead route = trainer.trainLogistic(x, y);
        int[] taskY = new int[train.size()];
        for (int i = 0; i < train.size(); i++) {
            String t = TaskLabeler.label(train.get(i));
            taskY[i] = t == null ? -1 : TaskLabeler.TASK_TYPES.indexOf(t);
        }
        SoftmaxHead task = new HeadTrainer(new HeadTrainer.Hyper(options.hyper().iterations(), options.hyper().learningRate(),
                HeadTrainer.Hyper.TASK_L2), options.seed()).trainSoftmax(x, taskY, TaskLabeler.TASK_TYPES.size());
        LengthBaseline lengthHead = trainLengthBaseline(train, options);

        // Calibrate both thresholds on dev for the same goal.
        double[][] xDev = features(dev, structural(dev, extra), mean, std);
        boolean[] yDev = labels(dev);
        double[] devScores = new double[dev.size()];
        double[] devLength = new double[dev.size()];
        for (int i = 0; i < dev.size(); i++) {
            devScores[i] = route.probability(xDev[i]);
            devLength[i] = lengthHead.score(dev.get(i).text());
        }
        double threshold = BinaryMetrics.calibrate(devScores, yDev, options.targetRecall());
        double lengthThreshold = BinaryMetrics.calibrate(devLength, yDev, options.targetRecall());
        lengthHead = new LengthBaseline(lengthHead.weight(), lengthHead.bias(), lengthThreshold);
        BinaryMetrics devMetrics = BinaryMetrics.of(devScores, yDev, threshold);
        BinaryMetrics devBaseline = BinaryMetrics.of(devLength, yDev, lengthThreshold);

        Calibration calibration = new Calibration(
                "reasoning recall >= " + options.targetRecall() + " on dev with the fewest routine queries sent to reasoning;"
                        + " threshold at the logit midpoint of the thresholds that achieve it",
                options.targetRecall(), devName, devMetrics.recall(), devMetrics.reasoningShare());

        Map<String, Object> training = new LinkedHashMap<>();
        training.put("seed", options.seed());
        training.put("train", trainName);
        training.put("train_examples", train.size());
        training.put("head", "logistic regression (route) + softmax regression (task type), full-batch Adam");
        training.put("iterations", options.hyper().iterations());
        training.put("learning_rate", options.hyper().learningRate());
        training.put("l2", options.hyper().l2());
        training.put("task_l2", HeadTrainer.Hyper.TASK_L2);
        training.put("features", "embedding(" + embedder.dimension() + ") + " + (options.structural().isEmpty() ? "nothing" : String.join(", ", options.structural())));
        training.put("task_labels", "derived from source + opening-word rules, see TaskLabeler");

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("file", devName);
        metrics.put("n", devMetrics.n());
        metrics.put("roc_auc", devMetrics.rocAuc());
        metrics.put("accuracy", devMetrics.accuracy());
        metrics.put("precision", devMetrics.precision());
        metrics.put("recall", devMetrics.recall());
        metrics.put("reasoning_share", devMetrics.reasoningShare());
        metrics.put("task_accuracy", taskAccuracy(task, xDev, dev));
        metrics.put("length_baseline_roc_auc", devBaseline.rocAuc());
        metrics.put("length_baseline_accuracy", devBaseline.accuracy());

        String version = version(route, task, threshold, embedder.name(), options);
        return new ComplexityModel(version, embedder.name(), windowTokens,
                options.structural(), mean, std, anchors,
                route, TaskLabeler.TASK_TYPES, task, threshold, calibration, lengthHead, training, metrics);
    }

    /** Route scores of examples under a model trained by this trainer (uses the same embedder). */
    public double[] scores(ComplexityModel model, List<Example> examples) {
        double[][] x = features(examples, structural(examples, new ExtraFeatures(model.structuralFeatures(), model.anchors(), embedder)),
                model.structuralMean(), model.structuralStd());
        double[] s = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = model.route().probability(x[i]);
        }
        return s;
    }

    private static double taskAccuracy(SoftmaxHead task, double[][] x, List<Example> examples) {
        int n = 0;
        int right = 0;
        for (int i = 0; i < x.length; i++) {
            String truth = TaskLabeler.label(examples.get(i));
            if (truth == null) {
                continue;
            }
            double[] p = task.probabilities(x[i]);
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            n++;
            if (TaskLabeler.TASK_TYPES.get(best).equals(truth)) {
                right++;
            }
        }
        return n == 0 ? Double.NaN : (double) right / n;
    }

    private LengthBaseline trainLengthBaseline(List<Example> train, Options options) {
        double[] len = train.stream().mapToDouble(e -> Math.log1p(e.text().length())).toArray();
        double mu = java.util.Arrays.stream(len).average().orElse(0);
        double sd = Math.sqrt(java.util.Arrays.stream(len).map(v -> (v - mu) * (v - mu)).average().orElse(1));
        double[][] x = new double[len.length][];
        for (int i = 0; i < len.length; i++) {
            x[i] = new double[] {(len[i] - mu) / sd};
        }
        LinearHead h = new HeadTrainer(new HeadTrainer.Hyper(options.hyper().iterations(), 0.05, 0), options.seed())
                .trainLogistic(x, labels(train));
        double w = h.weights()[0] / sd;
        return new LengthBaseline(w, h.bias() - w * mu, 0.5);
    }

    private double[][] features(List<Example> examples, double[][] raw, double[] mean, double[] std) {
        double[][] x = new double[examples.size()][];
        for (int i = 0; i < examples.size(); i++) {
            x[i] = FeatureExtractor.combine(embedder.embed(examples.get(i).text()).vector(), raw[i], mean, std);
        }
        return x;
    }

    private static boolean usesAnchors(List<String> names) {
        return names.contains(ExtraFeatures.ANCHOR_REASONING) || names.contains(ExtraFeatures.ANCHOR_ROUTINE);
    }

    private double[][] structural(List<Example> examples, ExtraFeatures extra) {
        return examples.stream().map(e -> extra.raw(e.text(), embedder.embed(e.text()).vector())).toArray(double[][]::new);
    }

    static boolean[] labels(List<Example> examples) {
        boolean[] y = new boolean[examples.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = examples.get(i).reasoning();
        }
        return y;
    }

    private static String version(LinearHead route, SoftmaxHead task, double threshold, String embedding, Options options) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(8);
            for (float w : route.weights()) {
                sha.update(buf.clear().putFloat(w).array(), 0, 4);
            }
            sha.update(buf.clear().putDouble(route.bias()).array());
            for (float[] row : task.weights()) {
                for (float w : row) {
                    sha.update(buf.clear().putFloat(w).array(), 0, 4);
                }
            }
            sha.update(buf.clear().putDouble(threshold).array());
            return "cx-" + embedding + (options.structural().isEmpty() ? "" : "+x" + options.structural().size()) + "-"
                    + HexFormat.of().formatHex(sha.digest()).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
