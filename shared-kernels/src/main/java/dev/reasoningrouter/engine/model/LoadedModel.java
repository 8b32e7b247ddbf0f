package dev.reasoningrouter.engine.model;

import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import java.util.Optional;

/**
 * A model opened from disk: its configuration, weights (mapped in place), the vocabulary its files carry, and a
 * runnable {@link InferenceModel}. Closing it unmaps the files; nothing may use the model afterwards.
 */
public final class LoadedModel implements AutoCloseable {
    private final String source;
    private final String format;
    private final ModelConfig config;
    private final ModelWeights weights;
    private final InferenceModel model;
    private final TokenizerVocabulary vocabulary;
    private final String description;
    private final AutoCloseable resources;
    private Runnable prefault = () -> {};

    LoadedModel(String source, String format, ModelConfig config, ModelWeights weights, InferenceModel model,
                TokenizerVocabulary vocabulary, String description, AutoCloseable resources) {
        this.source = source;
        this.format = format;
        this.config = config;
        this.weights = weights;
        this.model = model;
        this.vocabulary = vocabulary;
        this.description = description;
        this.resources = resources;
    }

    LoadedModel withPrefault(Runnable r) {
        this.prefault = r;
        return this;
    }

    /**
     * Touches every weight page once (page-cache reads and page-table setup), so that timings that follow measure
     * the engine, not first-touch faults. Costs one read of the model files.
     */
    public void prefault() {
        prefault.run();
    }

    public String source() {
        return source;
    }

    /** "gguf" or "safetensors". */
    public String format() {
        return format;
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    public InferenceModel model() {
        return model;
    }

    public Optional<TokenizerVocabulary> vocabulary() {
        return Optional.ofNullable(vocabulary);
    }

    /** The model's own name/description (general.name), e.g. saying it is a random-weight test model. */
    public String description() {
        return description;
    }

    /** True for models written by {@code synth}: every output made with one must say so. */
    public boolean isSynthetic() {
        return description != null && description.contains(dev.reasoningrouter.engine.synth.SyntheticModel.MARKER);
    }

    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing " + source + ": " + e.getMessage(), e);
        }
    }
}
