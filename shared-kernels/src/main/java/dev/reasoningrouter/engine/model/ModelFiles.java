package dev.reasoningrouter.engine.model;

import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;

/**
 * A model's files opened and parsed, before any backend runs them: its configuration, its weights (views over the
 * mapped files), the vocabulary and description its files carry. Closing unmaps the files.
 *
 * @param format   "gguf" or "safetensors"
 * @param prefault touches every mapped weight page once
 */
record ModelFiles(String source, String format, ModelConfig config, ModelWeights weights, TokenizerVocabulary vocabulary,
                  String description, AutoCloseable files, Runnable prefault) implements AutoCloseable {

    @Override
    public void close() {
        try {
            files.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing " + source + ": " + e.getMessage(), e);
        }
    }
}
