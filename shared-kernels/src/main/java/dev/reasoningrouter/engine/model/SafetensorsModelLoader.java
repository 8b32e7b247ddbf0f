package dev.reasoningrouter.engine.model;

import dev.reasoningrouter.engine.format.ModelFormatException;
import dev.reasoningrouter.engine.kernels.Backend;
import java.nio.file.Path;

/** Placeholder until the safetensors reader lands: refuses checkpoint directories clearly. */
final class SafetensorsModelLoader {
    private SafetensorsModelLoader() {}

    static LoadedModel load(Path dir, Backend backend, AutoCloseable ownedBackend) {
        throw new ModelFormatException("checkpoint directory " + dir + ": safetensors checkpoints are not supported in this build yet");
    }
}
