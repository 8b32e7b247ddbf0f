package dev.reasoningrouter.engine.tokenizer;

import java.util.List;

/**
 * A byte-level BPE vocabulary in the form GGUF stores it (llama.cpp's {@code tokenizer.ggml.*} keys).
 *
 * @param model        {@code tokenizer.ggml.model}, "gpt2" for byte-level BPE
 * @param preTokenizer {@code tokenizer.ggml.pre}: "deepseek-llm" or "deepseek-v3"
 * @param tokens       {@code tokenizer.ggml.tokens}: token strings in GPT-2 byte-to-unicode form
 * @param tokenTypes   {@code tokenizer.ggml.token_type}: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte
 * @param merges       {@code tokenizer.ggml.merges}: "left right", highest priority first
 * @param bosId        {@code tokenizer.ggml.bos_token_id}, -1 if none
 * @param eosId        {@code tokenizer.ggml.eos_token_id}, -1 if none
 * @param padId        {@code tokenizer.ggml.padding_token_id}, -1 if none
 * @param chatTemplate {@code tokenizer.chat_template}, null if none
 */
public record TokenizerVocabulary(
        String model,
        String preTokenizer,
        List<String> tokens,
        int[] tokenTypes,
        List<String> merges,
        int bosId,
        int eosId,
        int padId,
        String chatTemplate) {

    public static final int TYPE_NORMAL = 1;
    public static final int TYPE_UNKNOWN = 2;
    public static final int TYPE_CONTROL = 3;
    public static final int TYPE_USER_DEFINED = 4;
    public static final int TYPE_UNUSED = 5;
    public static final int TYPE_BYTE = 6;
}
