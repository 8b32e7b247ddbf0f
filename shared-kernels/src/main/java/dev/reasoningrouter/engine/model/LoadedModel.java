package dev.reasoningrouter.engine.model;

import dev.reasoningrouter.engine.kernels.cuda.BackendChoice;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import java.util.Optional;

/**
 * A model opened from disk: its configuration, weights (mapped in place), the vocabulary its files carry, and a
 * runnable {@link InferenceModel} on the backend that was picked ({@link #backend()} says which and why). Closing it
 * releases the backend (device memory, worker threads) and unmaps the files; nothing may use the model afterwards.
 */
public final class LoadedModel implements AutoCloseable {
    private final ModelFiles files;
    private final InferenceModel model;
    private final AutoCloseable modelResources;
    private final BackendChoice.Decision backend;
    private final Runnable prefault;

    LoadedModel(ModelFiles files, InferenceModel model, AutoCloseable modelResources, BackendChoice.Decision backend, Runnable prefault) {
        this.files = files;
        this.model = model;
        this.modelResources = modelResources;
        this.backend = backend;
        this.prefault = prefault;
    }

    /**
     * Touches every weight page once (page-cache reads and page-table setup), so that timings that follow measure
     * the engine, not first-touch faults. Costs one read of the model files; nothing to do when the weights live
     * on a GPU.
     */
    public void prefault() {
        prefault.run();
    }

    public String source() {
        return files.source();
    }

    /** "gguf" or "safetensors". */
    public String format() {
        return files.format();
    }

    public ModelConfig config() {
        return files.config();
    }

    public ModelWeights weights() {
        return files.weights();
    }

    public InferenceModel model() {
        return model;
    }

    /** The backend the model runs on and why ({@code backend().reason()}); {@code model().backendName()} names it. */
    public BackendChoice.Decision backend() {
        return backend;
    }

    public Optional<TokenizerVocabulary> vocabulary() {
        return Optional.ofNullable(files.vocabulary());
    }

    /** The model's own name/description (general.name), e.g. saying it is a random-weight test model. */
    public String description() {
        return files.description();
    }

    /** True for models written by {@code synth}: every output made with one must say so. */
    public boolean isSynthetic() {
        String d = files.description();
        return d != null && d.contains(dev.reasoningrouter.engine.synth.SyntheticModel.MARKER);
    }

    @Override
    public void close() {
        try {
            if (modelResources != null) {
                modelResources.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("closing " + files.source() + ": " + e.getMessage(), e);
        } finally {
            files.close();
        }
    }
}
