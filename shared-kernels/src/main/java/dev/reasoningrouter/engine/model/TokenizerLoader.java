package dev.reasoningrouter.engine.model;

import dev.reasoningrouter.engine.format.ModelFormatException;
import dev.reasoningrouter.engine.format.gguf.GgufFile;
import dev.reasoningrouter.engine.format.gguf.GgufValue;
import dev.reasoningrouter.engine.format.gguf.GgufValueType;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place where model files meet the tokenizer: reads llama.cpp's {@code tokenizer.ggml.*} keys into a
 * {@link TokenizerVocabulary} (and {@link #toMetadata} writes them). Turning the vocabulary into a working
 * tokenizer is the tokenizer package's job.
 */
public final class TokenizerLoader {
    private TokenizerLoader() {}

    /** The vocabulary a GGUF carries, or empty when it has none. */
    public static Optional<TokenizerVocabulary> fromGguf(GgufFile f) {
        if (!f.has("tokenizer.ggml.tokens")) {
            return Optional.empty();
        }
        List<String> tokens = strings(f, "tokenizer.ggml.tokens");
        int[] types = new int[tokens.size()];
        java.util.Arrays.fill(types, TokenizerVocabulary.TYPE_NORMAL);
        if (f.has("tokenizer.ggml.token_type")) {
            List<Object> t = array(f, "tokenizer.ggml.token_type");
            if (t.size() != tokens.size()) {
                throw new ModelFormatException("file " + f.path() + ": metadata key 'tokenizer.ggml.token_type' has " + t.size()
                        + " entries, expected " + tokens.size() + " (one per token)");
            }
            for (int i = 0; i < types.length; i++) {
                types[i] = ((Number) t.get(i)).intValue();
            }
        }
        List<String> merges = f.has("tokenizer.ggml.merges") ? strings(f, "tokenizer.ggml.merges") : List.of();
        return Optional.of(new TokenizerVocabulary(f.getString("tokenizer.ggml.model", "gpt2"),
                f.getString("tokenizer.ggml.pre", "default"), tokens, types, merges,
                f.getInt("tokenizer.ggml.bos_token_id", -1), f.getInt("tokenizer.ggml.eos_token_id", -1),
                f.getInt("tokenizer.ggml.padding_token_id", -1), f.getString("tokenizer.chat_template", null)));
    }

    private static List<Object> array(GgufFile f, String key) {
        GgufValue v = f.value(key);
        if (v.type() != GgufValueType.ARRAY) {
            throw new ModelFormatException("file " + f.path() + ": metadata key '" + key + "' is " + v.type() + ", expected ARRAY");
        }
        return v.list();
    }

    private static List<String> strings(GgufFile f, String key) {
        GgufValue v = f.value(key);
        if (v.type() != GgufValueType.ARRAY || v.elementType() != GgufValueType.STRING) {
            throw new ModelFormatException("file " + f.path() + ": metadata key '" + key + "' is " + v.type()
                    + (v.elementType() != null ? " of " + v.elementType() : "") + ", expected ARRAY of STRING");
        }
        List<String> out = new ArrayList<>(v.list().size());
        for (Object o : v.list()) {
            out.add((String) o);
        }
        return out;
    }

    /** The GGUF metadata entries for a vocabulary. */
    public static List<java.util.Map.Entry<String, GgufValue>> toMetadata(TokenizerVocabulary v) {
        List<java.util.Map.Entry<String, GgufValue>> out = new ArrayList<>();
        out.add(java.util.Map.entry("tokenizer.ggml.model", GgufValue.string(v.model())));
        out.add(java.util.Map.entry("tokenizer.ggml.pre", GgufValue.string(v.preTokenizer())));
        out.add(java.util.Map.entry("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, v.tokens())));
        List<Integer> types = new ArrayList<>();
        for (int t : v.tokenTypes()) {
            types.add(t);
        }
        out.add(java.util.Map.entry("tokenizer.ggml.token_type", GgufValue.array(GgufValueType.INT32, types)));
        out.add(java.util.Map.entry("tokenizer.ggml.merges", GgufValue.array(GgufValueType.STRING, v.merges())));
        if (v.bosId() >= 0) {
            out.add(java.util.Map.entry("tokenizer.ggml.bos_token_id", GgufValue.u32(v.bosId())));
            out.add(java.util.Map.entry("tokenizer.ggml.add_bos_token", GgufValue.bool(true)));
        }
        if (v.eosId() >= 0) {
            out.add(java.util.Map.entry("tokenizer.ggml.eos_token_id", GgufValue.u32(v.eosId())));
        }
        if (v.padId() >= 0) {
            out.add(java.util.Map.entry("tokenizer.ggml.padding_token_id", GgufValue.u32(v.padId())));
        }
        if (v.chatTemplate() != null) {
            out.add(java.util.Map.entry("tokenizer.chat_template", GgufValue.string(v.chatTemplate())));
        }
        return out;
    }
}
