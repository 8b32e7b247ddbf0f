package dev.reasoningrouter.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A plain timing of the bundled DeepSeek-V3 tokenizer on ~100 KB of mixed text (prose, numbers, code, CJK),
 * printed for docs/benchmarks.md. It asserts correctness only, never a time: the machine is shared.
 */
class TokenizerThroughputTest {

    static String mixedText(int targetChars, long seed) {
        String[] words = {"the", "model", "routes", "each", "request", "to", "a", "fast", "or", "reasoning", "path",
            "expert", "budget", "latency", "verification", "tokens", "prove", "that", "every", "integer", "is",
            "Kafka", "gateway", "classifier", "throughput", "answer", "question", "because", "however", "while"};
        String[] cjk = {"模型", "推理", "专家", "路由", "请求", "验证", "答案", "快速", "日本語", "テキスト"};
        String[] code = {"    for (int i = 0; i < n; i++) {\n", "        sum += weights[i] * x[i];\n", "    }\n",
            "def route(query):\n", "    return FAST if score < 0.5 else REASONING\n", "\tif err != nil {\n\t\treturn err\n\t}\n"};
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(targetChars + 200);
        while (sb.length() < targetChars) {
            switch (r.nextInt(10)) {
                case 0 -> sb.append(code[r.nextInt(code.length)]);
                case 1 -> sb.append(cjk[r.nextInt(cjk.length)]).append(cjk[r.nextInt(cjk.length)]).append("。");
                case 2 -> sb.append(' ').append(r.nextInt(1_000_000)).append(r.nextBoolean() ? "." : ",");
                default -> {
                    for (int i = 0, n = 3 + r.nextInt(12); i < n; i++) {
                        String w = words[r.nextInt(words.length)];
                        sb.append(i == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : " " + w);
                    }
                    sb.append(r.nextInt(4) == 0 ? ".\n\n" : ". ");
                }
            }
        }
        return sb.toString();
    }

    @Test
    void encode100KilobytesOfMixedText() {
        long t0 = System.nanoTime();
        BpeTokenizer tok = DeepSeekTokenizers.bundledV3();
        long loadNanos = System.nanoTime() - t0;

        String text = mixedText(100_000, 42);
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;

        long c0 = System.nanoTime();
        int[] ids = tok.encode(text); // cold: empty piece cache, JIT not warmed
        long coldNanos = System.nanoTime() - c0;

        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            String other = mixedText(100_000, 1000 + i); // different text each round: a realistic cache
            long s = System.nanoTime();
            int[] o = tok.encode(other);
            best = Math.min(best, System.nanoTime() - s);
            assertThat(o.length).isPositive();
        }
        long d0 = System.nanoTime();
        String back = tok.decode(ids);
        long decodeNanos = System.nanoTime() - d0;

        // worst case for the piece cache: 100 KB of made-up words, nearly every piece new
        Random r = new Random(7);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 100_000) {
            sb.append(' ');
            for (int i = 0, n = 2 + r.nextInt(10); i < n; i++) {
                sb.append((char) ('a' + r.nextInt(26)));
            }
        }
        String unique = sb.toString();
        long u0 = System.nanoTime();
        int[] uniqueIds = tok.encode(unique);
        long uniqueNanos = System.nanoTime() - u0;
        assertThat(tok.decode(uniqueIds)).isEqualTo(unique);

        assertThat(back).isEqualTo(text);
        System.out.printf("tokenizer-bench: made-up words %d chars -> %d tokens, encode %.1f ms%n",
                unique.length(), uniqueIds.length, uniqueNanos / 1e6);
        System.out.printf("tokenizer-bench: load bundled DeepSeek-V3 %.0f ms; text %d chars / %d UTF-8 bytes -> %d tokens"
                        + "; encode cold %.1f ms; encode warm (best of 5, fresh texts) %.1f ms = %.1f MB/s; decode %.1f ms%n",
                loadNanos / 1e6, text.length(), bytes, ids.length, coldNanos / 1e6, best / 1e6,
                bytes / (best / 1e9) / 1e6, decodeNanos / 1e6);
    }
}
