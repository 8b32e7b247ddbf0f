package dev.reasoningrouter.engine.serving;

import dev.reasoningrouter.engine.synth.SyntheticGgufWriter;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tokenizer.DeepSeekTokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The local stack's default model: the {@code small} synthetic preset with a fixed seed, speaking the real
 * DeepSeek-V3 tokenizer (its full vocabulary), stored as Q8_0 GGUF. Its name carries
 * {@link SyntheticModel#MARKER}, so everything served with it says it is a random-weight test model.
 */
public final class DefaultTestModel {

    public static final String PRESET = "small";
    public static final long SEED = 20261128L;
    public static final GgmlType TYPE = GgmlType.Q8_0;
    /** File name in the cache; bump the version when the recipe changes so stale files are not reused. */
    public static final String FILE_NAME = "rr-default-" + PRESET + "-deepseek-v3-vocab-seed" + SEED + "-q8_0.v1.gguf";

    private DefaultTestModel() {}

    /** The model description (weights are generated on demand while writing). */
    public static SyntheticModel model() {
        return SyntheticModel.preset(PRESET, SEED, DeepSeekTokenizers.bundledV3().vocabulary());
    }

    /**
     * The default model's file in {@code cacheDir}, written there first if missing. Written to a temporary file in
     * the same folder and moved into place atomically, so services starting together never read a half file.
     */
    public static Path ensure(Path cacheDir) {
        return ensure(cacheDir, FILE_NAME, tmp -> SyntheticGgufWriter.write(model(), TYPE, tmp));
    }

    /** Writes a model file through {@code writer}, for tests. */
    @FunctionalInterface
    interface FileWriter {
        void write(Path file) throws IOException;
    }

    /** {@code cacheDir/fileName}, made by {@code writer} into a temporary file and moved into place unless present. */
    static Path ensure(Path cacheDir, String fileName, FileWriter writer) {
        Path target = cacheDir.resolve(fileName);
        if (Files.isRegularFile(target)) {
            return target;
        }
        try {
            Files.createDirectories(cacheDir);
            Path tmp = Files.createTempFile(cacheDir, fileName + ".", ".tmp");
            try {
                writer.write(tmp);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the default test model into " + cacheDir + ": " + e.getMessage(), e);
        }
    }
}
