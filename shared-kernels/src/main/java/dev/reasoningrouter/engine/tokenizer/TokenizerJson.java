package dev.reasoningrouter.engine.tokenizer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a Hugging Face {@code tokenizer.json} (and optionally its {@code tokenizer_config.json}) into the
 * GGUF form of the vocabulary, the way llama.cpp's converter lays it out: one token string per id
 * (ordinary tokens in byte-to-unicode form, added tokens as their text), added tokens typed CONTROL when
 * special or special-looking ({@code <｜...｜>}) and USER_DEFINED otherwise, gaps in the id range filled
 * with {@code [PADn]} tokens typed UNUSED, merges as "left right" in priority order.
 */
final class TokenizerJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerJson() {}

    static TokenizerVocabulary read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such tokenizer.json file");
        }
        Path config = sibling(file);
        try (InputStream json = open(file); InputStream cfg = config == null ? null : open(config)) {
            return read(json, cfg, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read tokenizer: " + e.getMessage(), e);
        }
    }

    private static Path sibling(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        for (String name : List.of("tokenizer_config.json", "tokenizer_config.json.gz")) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /** Opens a file, transparently un-gzipping it when it starts with the gzip magic bytes. */
    static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1F && b1 == 0x8B ? new GZIPInputStream(in, 1 << 16) : in;
    }

    static TokenizerVocabulary read(InputStream json, InputStream config, String source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": expected a JSON object at the top of tokenizer.json");
        }
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asString(""))) {
            throw new IllegalArgumentException(source + ": model.type is '" + model.path("type").asString("")
                    + "'; expected 'BPE'");
        }
        for (String key : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            if (!model.path(key).isMissingNode() && !model.path(key).isNull()) {
                throw new IllegalArgumentException(source + ": model." + key + " is set; byte-level BPE has none");
            }
        }
        if (model.path("byte_fallback").asBoolean(false)) {
            throw new IllegalArgumentException(source + ": model.byte_fallback is true; expected byte-level BPE");
        }
        if (model.path("ignore_merges").asBoolean(false)) {
            throw new IllegalArgumentException(source + ": model.ignore_merges is true, which is not supported");
        }
        JsonNode normalizer = root.path("normalizer");
        boolean noNormalizer = normalizer.isMissingNode() || normalizer.isNull()
                || ("Sequence".equals(normalizer.path("type").asString("")) && normalizer.path("normalizers").isEmpty());
        if (!noNormalizer) {
            throw new IllegalArgumentException(source + ": unsupported normalizer " + normalizer);
        }
        JsonNode decoder = root.path("decoder");
        if (!decoder.isMissingNode() && !decoder.isNull() && !"ByteLevel".equals(decoder.path("type").asString(""))) {
            throw new IllegalArgumentException(source + ": decoder.type is '" + decoder.path("type").asString("")
                    + "'; expected 'ByteLevel'");
        }
        String pre = PreTokenizer.recognise(root.path("pre_tokenizer"), source);

        JsonNode vocab = model.path("vocab");
        if (!vocab.isObject() || vocab.isEmpty()) {
            throw new IllegalArgumentException(source + ": model.vocab is missing or empty");
        }
        int size = 0;
        for (Map.Entry<String, JsonNode> e : vocab.properties()) {
            size = Math.max(size, checkedId(e.getValue(), "model.vocab['" + e.getKey() + "']", source) + 1);
        }
        JsonNode added = root.path("added_tokens");
        for (JsonNode a : added) {
            size = Math.max(size, checkedId(a.path("id"), "added_tokens id", source) + 1);
        }
        String[] tokens = new String[size];
        int[] types = new int[size];
        for (Map.Entry<String, JsonNode> e : vocab.properties()) {
            int id = e.getValue().asInt();
            tokens[id] = e.getKey();
            types[id] = TokenizerVocabulary.TYPE_NORMAL;
        }
        for (JsonNode a : added) {
            int id = a.path("id").asInt();
            String content = a.path("content").asString(null);
            if (content == null || content.isEmpty()) {
                throw new IllegalArgumentException(source + ": added token " + id + " has no content");
            }
            for (String flag : List.of("lstrip", "rstrip", "single_word")) {
                if (a.path(flag).asBoolean(false)) {
                    throw new IllegalArgumentException(source + ": added token '" + content + "' sets " + flag
                            + ", which this tokenizer does not support");
                }
            }
            tokens[id] = content;
            types[id] = a.path("special").asBoolean(false) || looksSpecial(content)
                    ? TokenizerVocabulary.TYPE_CONTROL
                    : TokenizerVocabulary.TYPE_USER_DEFINED;
        }
        for (int id = 0; id < size; id++) {
            if (tokens[id] == null) {
                tokens[id] = "[PAD" + id + "]";
                types[id] = TokenizerVocabulary.TYPE_UNUSED;
            }
        }

        JsonNode mergesNode = model.path("merges");
        if (!mergesNode.isArray() || mergesNode.isEmpty()) {
            throw new IllegalArgumentException(source + ": model.merges is missing or empty");
        }
        List<String> merges = new ArrayList<>(mergesNode.size());
        for (int i = 0; i < mergesNode.size(); i++) {
            JsonNode m = mergesNode.get(i);
            if (m.isString()) {
                merges.add(m.asString());
            } else if (m.isArray() && m.size() == 2) {
                merges.add(m.get(0).asString() + " " + m.get(1).asString());
            } else {
                throw new IllegalArgumentException(source + ": model.merges[" + i + "] is " + m
                        + "; expected \"left right\" or [left, right]");
            }
        }

        List<String> tokenList = Arrays.asList(tokens);
        int bos = -1;
        int eos = -1;
        int pad = -1;
        String chatTemplate = null;
        if (config != null) {
            JsonNode cfg;
            try {
                cfg = JSON.readTree(config);
            } catch (JacksonException e) {
                throw new IllegalArgumentException(source + ": tokenizer_config.json is not valid JSON: "
                        + e.getOriginalMessage(), e);
            }
            bos = idOf(tokenList, tokenText(cfg.path("bos_token")), source, "bos_token");
            eos = idOf(tokenList, tokenText(cfg.path("eos_token")), source, "eos_token");
            pad = idOf(tokenList, tokenText(cfg.path("pad_token")), source, "pad_token");
            chatTemplate = chatTemplate(cfg.path("chat_template"));
        } else {
            // Without a config, DeepSeek's own names are the only convention this reader knows.
            bos = tokenList.indexOf("<｜begin▁of▁sentence｜>");
            eos = tokenList.indexOf("<｜end▁of▁sentence｜>");
        }
        return new TokenizerVocabulary("gpt2", pre, tokenList, types, merges, bos, eos, pad, chatTemplate);
    }

    /**
     * Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir} for a byte-level BPE vocabulary
     * with the DeepSeek-V3 pre-tokenizer, such that {@link #read(Path)} gives back the same tokens, merges, special
     * ids and chat template (an added token typed USER_DEFINED that looks special, such as {@code <｜User｜>}, is read
     * back as CONTROL, as llama.cpp's converter types it; both are special to the encoder).
     */
    static void write(TokenizerVocabulary v, Path dir) throws IOException {
        if (!PreTokenizer.DEEPSEEK_V3.equals(v.preTokenizer()) || !"gpt2".equals(v.model())) {
            throw new IllegalArgumentException("only byte-level BPE vocabularies with the deepseek-v3 pre-tokenizer are written as "
                    + "tokenizer.json, not " + v.model() + "/" + v.preTokenizer());
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = JSON.createObjectNode();
        for (int id = 0; id < v.tokens().size(); id++) {
            int type = v.tokenTypes()[id];
            if (type == TokenizerVocabulary.TYPE_NORMAL || type == TokenizerVocabulary.TYPE_BYTE) {
                vocab.put(v.tokens().get(id), id);
            } else {
                ObjectNode a = added.addObject();
                a.put("id", id);
                a.put("content", v.tokens().get(id));
                a.put("single_word", false);
                a.put("lstrip", false);
                a.put("rstrip", false);
                a.put("normalized", false);
                a.put("special", type == TokenizerVocabulary.TYPE_CONTROL);
            }
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        for (String regex : List.of(PreTokenizer.V3_JSON_DIGITS, PreTokenizer.V3_JSON_CJK, PreTokenizer.V3_JSON_WORDS)) {
            ObjectNode split = steps.addObject();
            split.put("type", "Split");
            split.putObject("pattern").put("Regex", regex);
            split.put("behavior", "Isolated");
            split.put("invert", false);
        }
        ObjectNode byteLevel = steps.addObject();
        byteLevel.put("type", "ByteLevel");
        byteLevel.put("add_prefix_space", false);
        byteLevel.put("trim_offsets", false);
        byteLevel.put("use_regex", false);
        root.putNull("post_processor");
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "ByteLevel");
        decoder.put("add_prefix_space", true);
        decoder.put("trim_offsets", true);
        decoder.put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.set("vocab", vocab);
        ArrayNode merges = model.putArray("merges");
        v.merges().forEach(merges::add);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tokenizer.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));

        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("add_bos_token", v.bosId() >= 0);
        cfg.put("add_eos_token", false);
        for (String key : List.of("bos_token", "eos_token", "pad_token")) {
            int id = switch (key) {
                case "bos_token" -> v.bosId();
                case "eos_token" -> v.eosId();
                default -> v.padId();
            };
            if (id >= 0) {
                cfg.put(key, v.tokens().get(id));
            }
        }
        if (v.chatTemplate() != null) {
            cfg.put("chat_template", v.chatTemplate());
        }
        cfg.put("tokenizer_class", "LlamaTokenizerFast");
        Files.writeString(dir.resolve("tokenizer_config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg));
    }

    private static int checkedId(JsonNode node, String what, String source) {
        if (!node.isIntegralNumber() || node.asInt() < 0) {
            throw new IllegalArgumentException(source + ": " + what + " is " + node + "; expected a token id >= 0");
        }
        return node.asInt();
    }

    /** llama.cpp's converter types these CONTROL even when tokenizer.json does not mark them special. */
    static boolean looksSpecial(String t) {
        return (t.startsWith("<|") && t.endsWith("|>")) || (t.startsWith("<｜") && t.endsWith("｜>"))
                || List.of("<pad>", "<mask>", "<unk>", "<cls>", "<sep>", "<s>", "</s>").contains(t);
    }

    private static String tokenText(JsonNode node) {
        if (node.isString()) {
            return node.asString();
        }
        if (node.isObject()) {
            return node.path("content").asString(null);
        }
        return null;
    }

    private static int idOf(List<String> tokens, String text, String source, String key) {
        if (text == null) {
            return -1;
        }
        int id = tokens.indexOf(text);
        if (id < 0) {
            throw new IllegalArgumentException(source + ": tokenizer_config.json " + key + " '" + text
                    + "' is not a token of the vocabulary");
        }
        return id;
    }

    private static String chatTemplate(JsonNode node) {
        if (node.isString()) {
            return node.asString();
        }
        if (node.isArray()) { // [{name, template}, ...]: the default one
            for (JsonNode t : node) {
                if ("default".equals(t.path("name").asString(""))) {
                    return t.path("template").asString(null);
                }
            }
        }
        return null;
    }
}
