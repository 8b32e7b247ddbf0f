package dev.reasoningrouter.engine.synth;

import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small byte-level BPE vocabulary for the tiniest test models, in GGUF form: the 256 GPT-2 byte tokens, merges
 * learned by plain BPE from a built-in English/code sample, DeepSeek-V3's special tokens, and (to reach a chosen
 * size) DeepSeek's {@code <｜place▁holder▁no▁N｜>} filler tokens. Pre-tokenizer "deepseek-v3".
 */
public final class SyntheticVocabulary {
    private SyntheticVocabulary() {}

    public static final String BOS = "<｜begin▁of▁sentence｜>";
    public static final String EOS = "<｜end▁of▁sentence｜>";
    public static final String USER = "<｜User｜>";
    public static final String ASSISTANT = "<｜Assistant｜>";

    private static final String SAMPLE = """
            The quick brown fox jumps over the lazy dog. A model that routes each token to a few experts reads
            only part of its weights, so it answers faster; the reasoning path uses the full routing and checks
            its answer. What is the capital of France? The capital of France is Paris. Translate this sentence
            into German. Prove that the sum of two even numbers is even: let a = 2m and b = 2n, then a + b = 2(m + n).
            def fibonacci(n):
                if n < 2:
                    return n
                return fibonacci(n - 1) + fibonacci(n - 2)
            public static int add(int a, int b) { return a + b; }
            for (int i = 0; i < 10; i++) { System.out.println(i * i); }
            In 2024 there were 365 days in the year plus one, 366 in total; 12 months, 52 weeks and 8784 hours.
            Numbers: 0 1 2 3 4 5 6 7 8 9 10 100 1000 3.14159 2.71828 42. Questions and answers, reasoning and
            verification, learners and critics, the first and the second, this and that, here and there.
            """;

    /** GPT-2's byte-to-unicode table: printable bytes stand for themselves, the rest map above U+0100. */
    public static String[] byteToUnicode() {
        String[] out = new String[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            out[b] = printable ? String.valueOf((char) b) : String.valueOf((char) (256 + n++));
        }
        return out;
    }

    /**
     * A vocabulary of exactly {@code size} tokens (at least 256 + 4): byte tokens, up to {@code size - 260} learned
     * merges, the four special tokens, then placeholders.
     */
    public static TokenizerVocabulary generate(int size) {
        if (size < 260) {
            throw new IllegalArgumentException("vocabulary size must be at least 260, got " + size);
        }
        String[] b2u = byteToUnicode();
        List<String> tokens = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(b2u[b]);
            types.add(TokenizerVocabulary.TYPE_NORMAL);
        }
        // words as GPT-2 style pieces: a leading space belongs to the word after it
        Map<List<String>, Integer> words = new LinkedHashMap<>();
        for (String piece : SAMPLE.split("(?=\\s)")) {
            if (piece.isEmpty()) {
                continue;
            }
            List<String> symbols = new ArrayList<>();
            for (byte by : piece.getBytes(StandardCharsets.UTF_8)) {
                symbols.add(b2u[by & 0xFF]);
            }
            words.merge(symbols, 1, Integer::sum);
        }
        List<String> merges = new ArrayList<>();
        int maxMerges = size - 260;
        while (merges.size() < maxMerges) {
            Map<String, Integer> pairs = new HashMap<>();
            String best = null;
            int bestCount = 1;
            for (Map.Entry<List<String>, Integer> e : words.entrySet()) {
                List<String> s = e.getKey();
                for (int i = 0; i + 1 < s.size(); i++) {
                    String pair = s.get(i) + " " + s.get(i + 1);
                    int cnt = pairs.merge(pair, e.getValue(), Integer::sum);
                    if (cnt > bestCount || (cnt == bestCount && best != null && pair.compareTo(best) < 0)) {
                        bestCount = cnt;
                        best = pair;
                    }
                }
            }
            if (best == null) {
                break; // nothing occurs twice any more
            }
            merges.add(best);
            String[] lr = best.split(" ", 2);
            String joined = lr[0] + lr[1];
            tokens.add(joined);
            types.add(TokenizerVocabulary.TYPE_NORMAL);
            Map<List<String>, Integer> next = new LinkedHashMap<>();
            for (Map.Entry<List<String>, Integer> e : words.entrySet()) {
                List<String> s = e.getKey();
                List<String> t = new ArrayList<>(s.size());
                for (int i = 0; i < s.size(); i++) {
                    if (i + 1 < s.size() && s.get(i).equals(lr[0]) && s.get(i + 1).equals(lr[1])) {
                        t.add(joined);
                        i++;
                    } else {
                        t.add(s.get(i));
                    }
                }
                next.merge(t, e.getValue(), Integer::sum);
            }
            words = next;
        }
        int bos = tokens.size();
        tokens.add(BOS);
        types.add(TokenizerVocabulary.TYPE_CONTROL);
        int eos = tokens.size();
        tokens.add(EOS);
        types.add(TokenizerVocabulary.TYPE_CONTROL);
        tokens.add(USER);
        types.add(TokenizerVocabulary.TYPE_USER_DEFINED);
        tokens.add(ASSISTANT);
        types.add(TokenizerVocabulary.TYPE_USER_DEFINED);
        for (int i = 0; tokens.size() < size; i++) {
            tokens.add("<｜place▁holder▁no▁" + i + "｜>");
            types.add(TokenizerVocabulary.TYPE_USER_DEFINED);
        }
        int[] typeArr = types.stream().mapToInt(Integer::intValue).toArray();
        return new TokenizerVocabulary("gpt2", "deepseek-v3", List.copyOf(tokens), typeArr, List.copyOf(merges),
                bos, eos, eos, CHAT_TEMPLATE);
    }

    /** DeepSeek-V3's chat template, shortened to the turns our services use. */
    public static final String CHAT_TEMPLATE = "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}"
            + "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'system' %}{{ message['content'] }}"
            + "{% elif message['role'] == 'user' %}{{ '<｜User｜>' + message['content'] }}"
            + "{% elif message['role'] == 'assistant' %}{{ '<｜Assistant｜>' + message['content'] + '<｜end▁of▁sentence｜>' }}"
            + "{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<｜Assistant｜>' }}{% endif %}";
}
