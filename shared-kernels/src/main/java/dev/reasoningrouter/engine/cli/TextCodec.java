package dev.reasoningrouter.engine.cli;

import dev.reasoningrouter.engine.model.LoadedModel;
import dev.reasoningrouter.engine.tokenizer.Tokenizer;
import java.util.Optional;

/**
 * Where the CLI gets a tokenizer for a model: the one place text meets the engine. This build has no tokenizer
 * implementation (it lands with the tokenizer package), so text commands say so and token-id options still work.
 */
final class TextCodec {
    private TextCodec() {}

    static Optional<Tokenizer> tokenizerFor(LoadedModel model) {
        return Optional.empty();
    }

    static Tokenizer requireTokenizer(LoadedModel model, String forWhat) {
        return tokenizerFor(model).orElseThrow(() -> new CliException("tokenizer not available in this build: " + forWhat
                + " needs text encoding; pass token ids instead (--tokens / --tokens-file)"
                + (model.vocabulary().isPresent() ? " (the model file does carry a vocabulary of "
                + model.vocabulary().get().tokens().size() + " tokens)" : "")));
    }
}
