package dev.reasoningrouter.pathserving;

import dev.reasoningrouter.engine.synth.SyntheticGgufWriter;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tokenizer.DeepSeekTokenizers;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabularies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tiny synthetic preset (trained top-k 2) speaking the V3 tokenizer cut to 300 merges, for the path services' tests. */
public final class TinyModel {
    private TinyModel() {}

    /** A fresh file of the model in a temporary folder, deleted when the JVM exits. */
    public static Path file() {
        try {
            Path dir = Files.createTempDirectory("path-serving-test");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve("tiny.gguf");
            var vocab = TokenizerVocabularies.truncated(DeepSeekTokenizers.bundledV3().vocabulary(), 300);
            SyntheticGgufWriter.write(SyntheticModel.preset("tiny", 5, vocab), GgmlType.F32, file);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
