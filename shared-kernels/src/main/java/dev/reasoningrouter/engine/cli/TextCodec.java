package dev.reasoningrouter.engine.cli;

import dev.reasoningrouter.engine.model.LoadedModel;
import dev.reasoningrouter.engine.model.ModelTokenizer;
import dev.reasoningrouter.engine.tokenizer.Tokenizer;
import java.nio.file.Path;

/** Where the CLI gets a tokenizer for a model: the one place text meets the engine's commands. */
final class TextCodec {
    private TextCodec() {}

    static Tokenizer tokenizerFor(LoadedModel model) {
        return resolve(model).tokenizer();
    }

    /** The model's tokenizer and where it came from. */
    static ModelTokenizer resolve(LoadedModel model) {
        try {
            return ModelTokenizer.resolve(model, Path.of(model.source()));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }
}
