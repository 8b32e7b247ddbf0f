package dev.reasoningrouter.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The split that runs before BPE: a sequence of regular expressions, each applied to every piece the
 * previous one left, where a match becomes a piece of its own and the text between matches another
 * (Hugging Face's {@code Split} with behaviour {@code Isolated}, and llama.cpp's {@code unicode_regex_split}).
 * A match never looks past the piece it runs on.
 *
 * <p>Two configurations exist, named as GGUF's {@code tokenizer.ggml.pre} names them:
 * <ul>
 *   <li>{@code deepseek-v3}: digits in runs of up to three, CJK and kana runs, then a GPT-4-like word
 *       split with punctuation and symbol classes (DeepSeek-V3 / R1);</li>
 *   <li>{@code deepseek-llm}: newlines, cased-letter words, ASCII and full-width punctuation, trailing
 *       whitespace, CJK and Hangul runs, then single digits (DeepSeek LLM, DeepSeek-V2 / V2-Lite).</li>
 * </ul>
 * The patterns are the ones in the tokenizers' own {@code tokenizer.json} (and llama.cpp's
 * {@code llama-vocab.cpp}), written for {@code java.util.regex} with explicit code points.
 */
final class PreTokenizer {

    static final String DEEPSEEK_V3 = "deepseek-v3";
    static final String DEEPSEEK_LLM = "deepseek-llm";

    // --- DeepSeek-V3, exactly as in its tokenizer.json (used to recognise the file) ---
    static final String V3_JSON_DIGITS = "\\p{N}{1,3}";
    static final String V3_JSON_CJK = "[一-龥぀-ゟ゠-ヿ]+";
    static final String V3_JSON_WORDS = "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+"
            + "|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+";

    // --- the same in java.util.regex form ---
    private static final String V3_DIGITS = "\\p{N}{1,3}";
    /** CJK unified ideographs U+4E00..U+9FA5, hiragana, katakana. */
    private static final String V3_CJK = "[\\x{4E00}-\\x{9FA5}\\x{3040}-\\x{309F}\\x{30A0}-\\x{30FF}]+";
    /** The 32 ASCII punctuation characters written as ranges: ! to /, : to @, [ to `, { to ~. */
    private static final String ASCII_PUNCT = "[\\x21-\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7E]";
    private static final String V3_WORDS = ASCII_PUNCT + "[A-Za-z]+"
            + "|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+"
            + "| ?[\\p{P}\\p{S}]+[\\r\\n]*"
            + "|\\s*[\\r\\n]+"
            + "|\\s+(?!\\S)"
            + "|\\s+";

    // --- DeepSeek LLM / V2 ---
    /**
     * Cased letters (Lu, Ll, Lt) as DeepSeek's tokenizer lists them. Six code points are written out
     * because copies of this class in circulation carry them NFC-folded to look-alikes (U+1F7D, U+1FD3,
     * U+1FDB as range ends, U+1FBE, U+2126 and U+212A), which changes the set or reverses a range.
     */
    private static final String LLM_LETTERS = "A-Za-z\\x{B5}\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{1BA}"
            + "\\x{1BC}-\\x{1BF}\\x{1C4}-\\x{293}\\x{295}-\\x{2AF}\\x{370}-\\x{373}\\x{376}\\x{377}\\x{37B}-\\x{37D}"
            + "\\x{37F}\\x{386}\\x{388}-\\x{38A}\\x{38C}\\x{38E}-\\x{3A1}\\x{3A3}-\\x{3F5}\\x{3F7}-\\x{481}"
            + "\\x{48A}-\\x{52F}\\x{531}-\\x{556}\\x{10A0}-\\x{10C5}\\x{13A0}-\\x{13F5}\\x{13F8}-\\x{13FD}"
            + "\\x{1C90}-\\x{1CBA}\\x{1CBD}-\\x{1CBF}\\x{1D00}-\\x{1D2B}\\x{1D6B}-\\x{1D77}\\x{1D79}-\\x{1D9A}"
            + "\\x{1E00}-\\x{1F15}\\x{1F18}-\\x{1F1D}\\x{1F20}-\\x{1F45}\\x{1F48}-\\x{1F4D}\\x{1F50}-\\x{1F57}"
            + "\\x{1F59}\\x{1F5B}\\x{1F5D}\\x{1F5F}-\\x{1F7D}\\x{1F80}-\\x{1FB4}\\x{1FB6}-\\x{1FBC}\\x{1FBE}"
            + "\\x{1FC2}-\\x{1FC4}\\x{1FC6}-\\x{1FCC}\\x{1FD0}-\\x{1FD3}\\x{1FD6}-\\x{1FDB}\\x{1FE0}-\\x{1FEC}"
            + "\\x{1FF2}-\\x{1FF4}\\x{1FF6}-\\x{1FFC}\\x{2102}\\x{2107}\\x{210A}-\\x{2113}\\x{2115}"
            + "\\x{2119}-\\x{211D}\\x{2124}\\x{2126}\\x{2128}\\x{212A}-\\x{212D}\\x{212F}-\\x{2134}\\x{2139}"
            + "\\x{213C}-\\x{213F}\\x{2145}-\\x{2149}\\x{214E}\\x{2183}\\x{2184}\\x{2C00}-\\x{2C7B}"
            + "\\x{2C7E}-\\x{2CE4}\\x{2CEB}-\\x{2CEE}\\x{2CF2}\\x{2CF3}\\x{A640}-\\x{A66D}\\x{A680}-\\x{A69B}"
            + "\\x{A722}-\\x{A76F}\\x{A771}-\\x{A787}\\x{A78B}-\\x{A78E}\\x{AB70}-\\x{ABBF}\\x{FB00}-\\x{FB06}"
            + "\\x{FB13}-\\x{FB17}\\x{FF21}-\\x{FF3A}\\x{FF41}-\\x{FF5A}\\x{10400}-\\x{1044F}\\x{104B0}-\\x{104D3}"
            + "\\x{104D8}-\\x{104FB}\\x{10C80}-\\x{10CB2}\\x{10CC0}-\\x{10CF2}\\x{118A0}-\\x{118DF}"
            + "\\x{1E900}-\\x{1E943}";
    private static final String[] LLM = {
        "[\\r\\n]",
        "\\s?[" + LLM_LETTERS + "]+",
        // ASCII ! to / and : to ~, full-width ！ to ／ and ： to ～, quotes ‘ to ‟, ideographic space to 。
        "\\s?[\\x21-\\x2F\\x3A-\\x7E\\x{FF01}-\\x{FF0F}\\x{FF1A}-\\x{FF5E}\\x{2018}-\\x{201F}\\x{3000}-\\x{3002}]+",
        // "\s+$" in the original: the pieces hold no newline by now, so $ is the end of the piece
        "\\s+\\z",
        "[\\x{4E00}-\\x{9FA5}\\x{0800}-\\x{4E00}\\x{AC00}-\\x{D7FF}]+",
        // Hugging Face's Digits(individual_digits = true); llama.cpp writes \p{N}+, which gives the same
        // tokens because the vocabulary, trained on single digits, has no digit-digit merges
        "\\p{N}",
    };
    private static final String[] V3 = {V3_DIGITS, V3_CJK, V3_WORDS};

    private final String name;
    private final Pattern[] patterns;

    private PreTokenizer(String name, String[] regexes) {
        this.name = name;
        this.patterns = new Pattern[regexes.length];
        for (int i = 0; i < regexes.length; i++) {
            // UNICODE_CHARACTER_CLASS: \s and \S are Unicode White_Space, as in the Oniguruma original
            patterns[i] = Pattern.compile(regexes[i], Pattern.UNICODE_CHARACTER_CLASS);
        }
    }

    /** The pre-tokenizer a GGUF file names in {@code tokenizer.ggml.pre}. */
    static PreTokenizer named(String name) {
        if (name == null) {
            throw new IllegalArgumentException("tokenizer.ggml.pre is missing; expected one of " + supported());
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case DEEPSEEK_V3 -> new PreTokenizer(DEEPSEEK_V3, V3);
            case DEEPSEEK_LLM -> new PreTokenizer(DEEPSEEK_LLM, LLM);
            default -> throw new IllegalArgumentException(
                    "unsupported pre-tokenizer '" + name + "' (tokenizer.ggml.pre); supported: " + supported());
        };
    }

    static List<String> supported() {
        return List.of(DEEPSEEK_V3, DEEPSEEK_LLM);
    }

    /**
     * Recognises a {@code tokenizer.json} {@code pre_tokenizer} as one of the supported configurations
     * and returns its GGUF name; anything else fails, naming what was found.
     */
    static String recognise(JsonNode pre, String source) {
        List<String> steps = new ArrayList<>();
        List<String> regexes = new ArrayList<>();
        boolean byteLevelLast = false;
        boolean individualDigits = false;
        if (pre == null || pre.isNull() || !"Sequence".equals(pre.path("type").asString(""))) {
            throw unsupported(source, pre);
        }
        JsonNode list = pre.path("pretokenizers");
        for (int i = 0; i < list.size(); i++) {
            JsonNode step = list.get(i);
            String type = step.path("type").asString("");
            steps.add(type);
            byteLevelLast = false;
            switch (type) {
                case "Split" -> {
                    if (!"Isolated".equals(step.path("behavior").asString(""))
                            || step.path("invert").asBoolean(false)
                            || !step.path("pattern").has("Regex")) {
                        throw unsupported(source, pre);
                    }
                    regexes.add(step.path("pattern").path("Regex").asString());
                }
                case "Digits" -> individualDigits = step.path("individual_digits").asBoolean(false);
                case "ByteLevel" -> {
                    if (step.path("use_regex").asBoolean(true) || step.path("add_prefix_space").asBoolean(false)) {
                        throw unsupported(source, pre);
                    }
                    byteLevelLast = true;
                }
                default -> throw unsupported(source, pre);
            }
        }
        if (!byteLevelLast) {
            throw unsupported(source, pre);
        }
        if (steps.equals(List.of("Split", "Split", "Split", "ByteLevel"))
                && regexes.equals(List.of(V3_JSON_DIGITS, V3_JSON_CJK, V3_JSON_WORDS))) {
            return DEEPSEEK_V3;
        }
        if (steps.equals(List.of("Split", "Split", "Split", "Split", "Split", "Digits", "ByteLevel"))
                && individualDigits
                && regexes.get(0).equals("[\r\n]")
                && regexes.get(1).startsWith("\\s?[A-Za-zµÀ-ÖØ-öø-ƺ")
                && regexes.get(2).equals("\\s?[!-/:-~！-／：-～‘-‟　-。]+")
                && regexes.get(3).equals("\\s+$")
                && regexes.get(4).equals("[一-龥ࠀ-一가-퟿]+")) {
            return DEEPSEEK_LLM;
        }
        throw unsupported(source, pre);
    }

    private static IllegalArgumentException unsupported(String source, JsonNode pre) {
        String text = String.valueOf(pre);
        if (text.length() > 300) {
            text = text.substring(0, 300) + "...";
        }
        return new IllegalArgumentException(source + ": unsupported pre_tokenizer (expected the DeepSeek-V3 or"
                + " DeepSeek LLM/V2 Split sequence followed by ByteLevel without regex): " + text);
    }

    String name() {
        return name;
    }

    /**
     * Splits {@code text[start, end)} and appends each piece as a (start, end) pair to {@code out}.
     * {@code scratch} is reused between steps.
     */
    void split(CharSequence text, int start, int end, IntBuffer out, IntBuffer scratch) {
        IntBuffer current = scratch;
        current.clear();
        current.add(start);
        current.add(end);
        IntBuffer next = out;
        for (Pattern pattern : patterns) {
            next.clear();
            Matcher m = pattern.matcher(text);
            for (int p = 0; p < current.size(); p += 2) {
                int s = current.get(p);
                int e = current.get(p + 1);
                m.region(s, e); // opaque bounds: look-ahead stops at the piece's end, as per-piece matching does
                int last = s;
                while (m.find()) {
                    if (m.end() == m.start()) {
                        continue;
                    }
                    if (m.start() > last) {
                        next.add(last);
                        next.add(m.start());
                    }
                    next.add(m.start());
                    next.add(m.end());
                    last = m.end();
                }
                if (last < e) {
                    next.add(last);
                    next.add(e);
                }
            }
            IntBuffer t = current;
            current = next;
            next = t;
        }
        // the final pieces are in `current`; make sure they end up in `out`
        if (current != out) {
            out.clear();
            for (int i = 0; i < current.size(); i++) {
                out.add(current.get(i));
            }
        }
    }
}
