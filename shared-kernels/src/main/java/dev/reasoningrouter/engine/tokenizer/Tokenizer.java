package dev.reasoningrouter.engine.tokenizer;

import java.util.OptionalInt;

/** Text to token ids and back, as the model was trained. */
public interface Tokenizer {

    /** Token ids of {@code text}. Special-token strings in the text (e.g. {@code <｜begin▁of▁sentence｜>}) map to their ids; no BOS is added. */
    int[] encode(String text);

    /** The text of {@code ids}; special tokens render as their text. Invalid UTF-8 becomes U+FFFD. */
    String decode(int[] ids);

    /** The raw bytes one token stands for (for streaming, where a character may span tokens). */
    byte[] tokenBytes(int id);

    int vocabSize();

    /** Beginning-of-sequence id, or -1 when the vocabulary has none. */
    int bosId();

    /** End-of-sequence id, or -1 when the vocabulary has none. */
    int eosId();

    /** The id of a special (added) token by its text. */
    OptionalInt specialTokenId(String text);

    /** The vocabulary in GGUF form, so that a model file can carry it. */
    TokenizerVocabulary vocabulary();
}
