package dev.reasoningrouter.engine.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Small hand-made GGUF-form vocabularies: the 256 byte tokens (id = byte value), then one token per merge. */
final class TinyVocabulary {

    private TinyVocabulary() {}

    static TokenizerVocabulary of(String pre, List<String> merges, List<String> specials, String chatTemplate) {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevel.charOf(b)));
        }
        for (String m : merges) {
            String merged = m.replace(" ", "");
            if (!tokens.contains(merged)) {
                tokens.add(merged);
            }
        }
        int firstSpecial = tokens.size();
        tokens.addAll(specials);
        int[] types = new int[tokens.size()];
        Arrays.fill(types, TokenizerVocabulary.TYPE_NORMAL);
        Arrays.fill(types, firstSpecial, tokens.size(), TokenizerVocabulary.TYPE_CONTROL);
        int bos = specials.isEmpty() ? -1 : firstSpecial;
        int eos = specials.size() < 2 ? -1 : firstSpecial + 1;
        return new TokenizerVocabulary("gpt2", pre, tokens, types, merges, bos, eos, -1, chatTemplate);
    }

    static TokenizerVocabulary of(List<String> merges) {
        return of("deepseek-v3", merges, List.of(), null);
    }
}
