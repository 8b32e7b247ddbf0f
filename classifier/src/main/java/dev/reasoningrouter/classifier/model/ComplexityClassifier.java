package dev.reasoningrouter.classifier.model;

import dev.reasoningrouter.contracts.RouteDecision;

/**
 * Scores a query's need for reasoning: embedding + structural features into the trained heads.
 * Thread-safe; one instance serves the whole service.
 */
public final class ComplexityClassifier {
    private final ComplexityModel model;
    private final FeatureExtractor features;
    private final double defaultThreshold;

    /**
     * @param defaultThreshold the threshold used when a request brings none; the artifact's calibrated
     *                         one unless configuration overrides it
     */
    public ComplexityClassifier(ComplexityModel model, TextEmbedder embedder, double defaultThreshold) {
        this.model = model;
        this.features = FeatureExtractor.forModel(embedder, model);
        this.defaultThreshold = checkThreshold(defaultThreshold);
    }

    public ComplexityClassifier(ComplexityModel model, TextEmbedder embedder) {
        this(model, embedder, model.threshold());
    }

    public ComplexityModel model() {
        return model;
    }

    public double defaultThreshold() {
        return defaultThreshold;
    }

    /** Classifies with the default threshold. */
    public Classification classify(String text) {
        return classify(text, null);
    }

    /**
     * @param threshold per-request threshold in [0,1], or null for the default
     * @throws IllegalArgumentException for a blank text or a threshold outside [0,1]
     */
    public Classification classify(String text, Double threshold) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text must be a non-empty string");
        }
        double t = threshold == null ? defaultThreshold : checkThreshold(threshold);
        long start = System.nanoTime();
        FeatureExtractor.Features f = features.extract(text);
        double score = model.route().probability(f.vector());
        double[] taskP = model.task().probabilities(f.vector());
        int best = 0;
        for (int k = 1; k < taskP.length; k++) {
            if (taskP[k] > taskP[best]) {
                best = k;
            }
        }
        double latencyMs = (System.nanoTime() - start) / 1e6;
        String route = score >= t ? RouteDecision.REASONING : RouteDecision.FAST;
        return new Classification(route, score, t, model.taskTypes().get(best), taskP[best], model.version(),
                latencyMs, f.embedded().tokens(), f.embedded().windows(), f.embedded().truncated());
    }

    private static double checkThreshold(double t) {
        if (!(t >= 0 && t <= 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1], got " + t);
        }
        return t;
    }
}
