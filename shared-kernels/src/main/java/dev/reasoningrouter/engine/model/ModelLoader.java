package dev.reasoningrouter.engine.model;

import dev.reasoningrouter.engine.format.ModelFormatException;
import dev.reasoningrouter.engine.format.gguf.GgufFile;
import dev.reasoningrouter.engine.kernels.Backend;
import dev.reasoningrouter.engine.kernels.cpu.CpuBackend;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a model: a GGUF file, or a Hugging Face checkpoint directory (config.json + *.safetensors). */
public final class ModelLoader {
    private ModelLoader() {}

    /** Opens {@code path} on a CPU backend with {@code threads} workers (0 = all cores). */
    public static LoadedModel load(Path path, int threads) {
        CpuBackend backend = threads > 0 ? new CpuBackend(threads) : new CpuBackend();
        try {
            return load(path, backend, backend);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /**
     * Opens {@code path} on {@code backend}. {@code ownedBackend}, if not null, is closed with the model.
     * On failure nothing stays open.
     */
    public static LoadedModel load(Path path, Backend backend, AutoCloseable ownedBackend) {
        if (!Files.exists(path)) {
            throw new ModelFormatException("model " + path + " does not exist (expected a .gguf file or a checkpoint directory)");
        }
        if (Files.isDirectory(path)) {
            return SafetensorsModelLoader.load(path, backend, ownedBackend);
        }
        GgufFile f = GgufFile.open(path);
        try {
            ModelConfig config = GgufModelLoader.config(f);
            ModelWeights weights = GgufModelLoader.weights(f, config);
            var vocab = TokenizerLoader.fromGguf(f).orElse(null);
            DeepSeekModel model = new DeepSeekModel(config, weights, backend);
            return new LoadedModel(path.toString(), "gguf", config, weights, model, vocab,
                    f.getString("general.name", path.getFileName().toString()), () -> {
                        f.close();
                        if (ownedBackend != null) {
                            ownedBackend.close();
                        }
                    }).withPrefault(f::prefault);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }
}
