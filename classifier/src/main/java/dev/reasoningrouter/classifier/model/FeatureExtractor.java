package dev.reasoningrouter.classifier.model;

/** Builds the head's input: the sentence embedding followed by the standardised extra features. */
public final class FeatureExtractor {
    private final TextEmbedder embedder;
    private final ExtraFeatures extra;
    private final double[] mean;
    private final double[] std;

    public FeatureExtractor(TextEmbedder embedder, ExtraFeatures extra, double[] mean, double[] std) {
        this.embedder = embedder;
        this.extra = extra;
        this.mean = mean;
        this.std = std;
    }

    public static FeatureExtractor forModel(TextEmbedder embedder, ComplexityModel model) {
        if (!embedder.name().equals(model.embedding())) {
            throw new IllegalArgumentException("model " + model.version() + " was trained on embedding '"
                    + model.embedding() + "' but the embedder is '" + embedder.name() + "'");
        }
        return new FeatureExtractor(embedder, new ExtraFeatures(model.structuralFeatures(), model.anchors(), embedder),
                model.structuralMean(), model.structuralStd());
    }

    public Features extract(String text) {
        TextEmbedder.EmbeddedText e = embedder.embed(text);
        return new Features(combine(e.vector(), extra.raw(text, e.vector()), mean, std), e);
    }

    /** Concatenates an embedding and raw structural features, standardising the latter. */
    public static double[] combine(float[] embedding, double[] rawStructural, double[] mean, double[] std) {
        double[] x = new double[embedding.length + rawStructural.length];
        for (int i = 0; i < embedding.length; i++) {
            x[i] = embedding[i];
        }
        for (int j = 0; j < rawStructural.length; j++) {
            x[embedding.length + j] = (rawStructural[j] - mean[j]) / std[j];
        }
        return x;
    }

    public record Features(double[] vector, TextEmbedder.EmbeddedText embedded) {}
}
