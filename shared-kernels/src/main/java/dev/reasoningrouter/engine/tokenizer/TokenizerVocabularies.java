package dev.reasoningrouter.engine.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Derived vocabularies for model files: padded to a model's vocab size, or cut down for tiny test models. */
public final class TokenizerVocabularies {

    private TokenizerVocabularies() {}

    /**
     * Writes the vocabulary as a Hugging Face {@code tokenizer.json} and {@code tokenizer_config.json} into
     * {@code dir} (byte-level BPE with the deepseek-v3 pre-tokenizer), so that a safetensors checkpoint directory
     * carries its tokenizer the way the engine and Hugging Face read it.
     */
    public static void writeHuggingFace(TokenizerVocabulary v, java.nio.file.Path dir) throws java.io.IOException {
        TokenizerJson.write(v, dir);
    }

    /**
     * {@code v} with {@code [PADn]} tokens of type UNUSED appended up to {@code size} ids, as llama.cpp's
     * converter pads a vocabulary to the model's {@code vocab_size} (DeepSeek-V3: 128,815 tokens, 129,280 rows).
     */
    public static TokenizerVocabulary padded(TokenizerVocabulary v, int size) {
        int n = v.tokens().size();
        if (size < n) {
            throw new IllegalArgumentException("cannot pad a vocabulary of " + n + " tokens to " + size);
        }
        List<String> tokens = new ArrayList<>(v.tokens());
        for (int id = n; id < size; id++) {
            tokens.add("[PAD" + id + "]");
        }
        int[] types = Arrays.copyOf(v.tokenTypes(), size);
        Arrays.fill(types, n, size, TokenizerVocabulary.TYPE_UNUSED);
        return new TokenizerVocabulary(v.model(), v.preTokenizer(), tokens, types, v.merges(), v.bosId(), v.eosId(),
                v.padId(), v.chatTemplate());
    }

    /**
     * A small vocabulary cut from a byte-level one, for the tiniest test models: the BOS and EOS tokens and the
     * chat-role tokens {@code <｜User｜>} and {@code <｜Assistant｜>} where present (ids 0, 1, ...), then the
     * 256 byte tokens, then the tokens of the first {@code merges} merges, in merge order. Because every BPE
     * merge only combines bytes or tokens of earlier merges, this is exactly the tokenizer one gets by
     * stopping training after {@code merges} merges: it still encodes any text and speaks the same pieces.
     */
    public static TokenizerVocabulary truncated(TokenizerVocabulary v, int merges) {
        if (merges < 0 || merges > v.merges().size()) {
            throw new IllegalArgumentException("merges must be between 0 and " + v.merges().size() + ", not " + merges);
        }
        Map<String, Integer> types = new LinkedHashMap<>();
        int bos = -1;
        int eos = -1;
        int pad = -1;
        for (int old : new int[] {v.bosId(), v.eosId()}) {
            if (old >= 0 && !types.containsKey(v.tokens().get(old))) {
                types.put(v.tokens().get(old), v.tokenTypes()[old]);
            }
        }
        for (String role : List.of("<｜User｜>", "<｜Assistant｜>")) {
            int old = v.tokens().indexOf(role);
            if (old >= 0) {
                types.put(role, v.tokenTypes()[old]);
            }
        }
        List<String> specials = new ArrayList<>(types.keySet());
        if (v.bosId() >= 0) {
            bos = specials.indexOf(v.tokens().get(v.bosId()));
        }
        if (v.eosId() >= 0) {
            eos = specials.indexOf(v.tokens().get(v.eosId()));
        }
        if (v.padId() >= 0) {
            pad = specials.indexOf(v.tokens().get(v.padId()));
        }
        for (int b = 0; b < 256; b++) {
            String t = String.valueOf(ByteLevel.charOf(b));
            if (!v.tokens().contains(t)) {
                throw new IllegalArgumentException("vocabulary has no token for byte " + b + "; not byte-level BPE");
            }
            types.putIfAbsent(t, TokenizerVocabulary.TYPE_NORMAL);
        }
        List<String> kept = v.merges().subList(0, merges);
        for (String m : kept) {
            types.putIfAbsent(m.replaceFirst(" ", ""), TokenizerVocabulary.TYPE_NORMAL);
        }
        List<String> tokens = new ArrayList<>(types.keySet());
        int[] typeArray = types.values().stream().mapToInt(Integer::intValue).toArray();
        return new TokenizerVocabulary(v.model(), v.preTokenizer(), tokens, typeArray, List.copyOf(kept), bos, eos, pad,
                v.chatTemplate());
    }
}
