package dev.reasoningrouter.engine.model;

import dev.reasoningrouter.engine.format.ModelFormatException;
import dev.reasoningrouter.engine.format.gguf.GgufFile;
import dev.reasoningrouter.engine.kernels.Backend;
import dev.reasoningrouter.engine.kernels.cpu.CpuBackend;
import dev.reasoningrouter.engine.kernels.cuda.BackendChoice;
import dev.reasoningrouter.engine.kernels.cuda.CudaDeepSeekModel;
import dev.reasoningrouter.engine.kernels.cuda.CudaDeviceInfo;
import dev.reasoningrouter.engine.kernels.cuda.CudaProbe;
import dev.reasoningrouter.engine.kernels.cuda.CudaUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import jcuda.CudaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a model: a GGUF file, or a Hugging Face checkpoint directory (config.json + *.safetensors), on the CPU or a
 * CUDA device. On any failure nothing stays open: files unmapped, device memory freed, worker threads stopped.
 */
public final class ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    private ModelLoader() {}

    /** Opens {@code path} on a CPU backend with {@code threads} workers (0 = all cores); never probes for a GPU. */
    public static LoadedModel load(Path path, int threads) {
        return load(path, threads, new BackendChoice.Decision(BackendChoice.CPU, BackendChoice.CPU, "backend=cpu requested", Optional.empty()));
    }

    /**
     * Opens {@code path} on the backend {@code choice} resolves to: {@code cpu}; {@code cuda} (the GPU or a
     * {@link CudaUnavailableException} saying why not); {@code auto} (the GPU when a device initialises and can run
     * this model, else the CPU with the reason). Probes the driver at most once.
     */
    public static LoadedModel load(Path path, int threads, BackendChoice choice) {
        return load(path, threads, choice.resolve());
    }

    /** {@link #load(Path, int, BackendChoice)} with the CUDA probe given (tests pass a probe that answers "no device"). */
    public static LoadedModel load(Path path, int threads, BackendChoice choice, Supplier<CudaProbe> probe) {
        return load(path, threads, choice.resolve(probe));
    }

    /**
     * Opens {@code path} on the backend a resolved choice picked. CUDA: {@code threads} is unused unless {@code auto}
     * falls back to the CPU because the device cannot run this model (a weight type without kernels, not enough
     * device memory, the kernels failing to load); the returned model's {@link LoadedModel#backend()} then says so.
     */
    public static LoadedModel load(Path path, int threads, BackendChoice.Decision decision) {
        ModelFiles files = open(path);
        try {
            BackendChoice.Decision used = decision;
            if (decision.cuda()) {
                String dev = decision.device().map(CudaDeviceInfo::describe).orElse("the CUDA device");
                try {
                    CudaDeepSeekModel m = CudaDeepSeekModel.open(decision.device().map(CudaDeviceInfo::ordinal).orElse(0),
                            files.config(), files.weights());
                    LOG.info("model {} on {}: {} MiB of weights on the device", files.source(), m.backendName(), m.weightBytes() >> 20);
                    return new LoadedModel(files, m, m, decision, () -> {});
                } catch (CudaUnavailableException | CudaException e) {
                    if (decision.requested() != BackendChoice.AUTO) {
                        throw new CudaUnavailableException("backend=cuda requested, but " + files.source() + " cannot run on " + dev + ": "
                                + e.getMessage(), e);
                    }
                    used = new BackendChoice.Decision(BackendChoice.AUTO, BackendChoice.CPU, "backend=auto found " + dev
                            + " but cannot run this model on it (" + e.getMessage() + "), so the CPU serves", Optional.empty());
                    LOG.warn(used.logLine());
                }
            }
            CpuBackend backend = threads > 0 ? new CpuBackend(threads) : new CpuBackend();
            try {
                return new LoadedModel(files, new DeepSeekModel(files.config(), files.weights(), backend), backend, used, files.prefault());
            } catch (RuntimeException e) {
                backend.close();
                throw e;
            }
        } catch (RuntimeException e) {
            files.close();
            throw e;
        }
    }

    /**
     * Opens {@code path} on {@code backend}. {@code ownedBackend}, if not null, is closed with the model.
     * On failure nothing stays open.
     */
    public static LoadedModel load(Path path, Backend backend, AutoCloseable ownedBackend) {
        ModelFiles files = open(path);
        try {
            return new LoadedModel(files, new DeepSeekModel(files.config(), files.weights(), backend), ownedBackend,
                    new BackendChoice.Decision(BackendChoice.CPU, BackendChoice.CPU, "backend given: " + backend.name(), Optional.empty()),
                    files.prefault());
        } catch (RuntimeException e) {
            files.close();
            throw e;
        }
    }

    /** Maps and parses the model's files (no backend yet); on failure nothing stays mapped. */
    static ModelFiles open(Path path) {
        if (!Files.exists(path)) {
            throw new ModelFormatException("model " + path + " does not exist (expected a .gguf file or a checkpoint directory)");
        }
        if (Files.isDirectory(path)) {
            return SafetensorsModelLoader.open(path);
        }
        GgufFile f = GgufFile.open(path);
        try {
            ModelConfig config = GgufModelLoader.config(f);
            ModelWeights weights = GgufModelLoader.weights(f, config);
            var vocab = TokenizerLoader.fromGguf(f).orElse(null);
            return new ModelFiles(path.toString(), "gguf", config, weights, vocab,
                    f.getString("general.name", path.getFileName().toString()), f::close, f::prefault);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }
}
