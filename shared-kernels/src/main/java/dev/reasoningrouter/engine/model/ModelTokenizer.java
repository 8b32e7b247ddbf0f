package dev.reasoningrouter.engine.model;

import dev.reasoningrouter.engine.tokenizer.BpeTokenizer;
import dev.reasoningrouter.engine.tokenizer.DeepSeekTokenizers;
import dev.reasoningrouter.engine.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tokenizer a model speaks, and where it came from: the GGUF's own {@code tokenizer.ggml.*} vocabulary, a
 * checkpoint directory's {@code tokenizer.json}, or else the bundled DeepSeek-V3 tokenizer. The one place the
 * CLI and the serving host decide this.
 */
public record ModelTokenizer(Tokenizer tokenizer, String source) {

    public static ModelTokenizer resolve(LoadedModel model, Path path) {
        ModelTokenizer resolved;
        if (model.vocabulary().isPresent()) {
            resolved = new ModelTokenizer(BpeTokenizer.fromVocabulary(model.vocabulary().get()), "model file (tokenizer.ggml.*)");
        } else if (Files.isDirectory(path) && Files.isRegularFile(path.resolve("tokenizer.json"))) {
            resolved = new ModelTokenizer(BpeTokenizer.fromTokenizerJson(path.resolve("tokenizer.json")),
                    path.resolve("tokenizer.json").toString());
        } else {
            resolved = new ModelTokenizer(DeepSeekTokenizers.bundledV3(), "bundled DeepSeek-V3 tokenizer (the model carries none)");
        }
        if (resolved.tokenizer().vocabSize() > model.config().vocabSize()) {
            throw new IllegalArgumentException(path + ": the tokenizer (" + resolved.source() + ") has "
                    + resolved.tokenizer().vocabSize() + " tokens but the model only " + model.config().vocabSize()
                    + " embedding rows");
        }
        return resolved;
    }
}
