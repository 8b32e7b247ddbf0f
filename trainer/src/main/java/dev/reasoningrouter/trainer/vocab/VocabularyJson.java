package dev.reasoningrouter.trainer.vocab;

import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.json.JsonMapper;

/** A learned vocabulary on disk (a run's {@code vocab.json}): the GGUF fields as JSON. */
public final class VocabularyJson {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private VocabularyJson() {}

    public static void write(TokenizerVocabulary v, Path file) throws IOException {
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(v));
    }

    public static TokenizerVocabulary read(Path file) throws IOException {
        try {
            return JSON.readValue(Files.readString(file), TokenizerVocabulary.class);
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a vocabulary file (" + e.getMessage() + ")", e);
        }
    }
}
