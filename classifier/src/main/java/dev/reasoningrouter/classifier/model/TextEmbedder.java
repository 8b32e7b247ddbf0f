package dev.reasoningrouter.classifier.model;

/** Turns a query into a fixed-size sentence vector. The seam between the head and the encoder. */
public interface TextEmbedder {

    /** Name recorded in the model artifact; a head only runs on the embedder it was trained on. */
    String name();

    int dimension();

    EmbeddedText embed(String text);

    /**
     * @param vector    L2-normalised sentence embedding
     * @param tokens    word-piece tokens in the text (without special tokens)
     * @param windows   how many encoder windows were embedded and averaged (1, or 2 for head + tail)
     * @param truncated true when the middle of the text fell outside both windows
     */
    record EmbeddedText(float[] vector, int tokens, int windows, boolean truncated) {}
}
