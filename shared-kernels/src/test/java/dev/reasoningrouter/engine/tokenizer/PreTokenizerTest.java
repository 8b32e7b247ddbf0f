package dev.reasoningrouter.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** The DeepSeek regex splits, against pieces from an independent (JavaScript) implementation and by hand. */
class PreTokenizerTest {

    static List<String> split(String pre, String text) {
        IntBuffer out = new IntBuffer(16);
        PreTokenizer.named(pre).split(text, 0, text.length(), out, new IntBuffer(16));
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < out.size(); i += 2) {
            pieces.add(text.substring(out.get(i), out.get(i + 1)));
        }
        return pieces;
    }

    static Stream<Arguments> referencePieces() {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : TestData.json("pretokenizer-expected-pieces.json").path("cases")) {
            String text = c.path("text").asString();
            if (c.path("pre").asString().equals("deepseek-llm") && text.codePoints().anyMatch(
                    cp -> Character.getType(cp) != Character.DECIMAL_DIGIT_NUMBER ? isOtherNumber(cp) : cp > '9')) {
                // the JavaScript Digits step splits on \d, which is ASCII-only there; Hugging Face's splits on
                // every Unicode number (char::is_numeric), as ours does: see deepseekLlmSplitsEveryUnicodeDigit
                continue;
            }
            List<String> pieces = new ArrayList<>();
            c.path("pieces").forEach(p -> pieces.add(p.asString()));
            out.add(Arguments.of(c.path("pre").asString(), c.path("text").asString(), pieces));
        }
        return out.stream();
    }

    private static boolean isOtherNumber(int cp) {
        int t = Character.getType(cp);
        return t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("referencePieces")
    void matchesTheReferenceSplit(String pre, String text, List<String> expectedByteLevel) {
        List<String> actual = split(pre, text).stream().map(p -> ByteLevel.encode(Utf8.encode(p))).toList();
        assertThat(actual).containsExactlyElementsOf(expectedByteLevel);
    }

    @Test
    void deepseekV3Splits() {
        assertThat(split("deepseek-v3", "1234567")).containsExactly("123", "456", "7");
        assertThat(split("deepseek-v3", "Hello  world 12345 don't 你好"))
                .containsExactly("Hello", " ", " world", " ", "123", "45", " don", "'t", " ", "你好");
        assertThat(split("deepseek-v3", "a\n\n  b")).containsExactly("a", "\n\n", " ", " b");
        assertThat(split("deepseek-v3", "x=1;y")).containsExactly("x", "=", "1", ";y");
        assertThat(split("deepseek-v3", "日本語テキスト")).containsExactly("日本語テキスト");
        assertThat(split("deepseek-v3", "ab 😀😀!")).containsExactly("ab", " 😀😀!");
        assertThat(split("deepseek-v3", "")).isEmpty();
    }

    @Test
    void deepseekLlmSplits() {
        assertThat(split("deepseek-llm", "1234")).containsExactly("1", "2", "3", "4");
        assertThat(split("deepseek-llm", "Hello world\n")).containsExactly("Hello", " world", "\n");
        assertThat(split("deepseek-llm", "end   ")).containsExactly("end", "   ");
        assertThat(split("deepseek-llm", "你好 한국")).containsExactly("你好", " ", "한국");
        // U+212A KELVIN SIGN is a cased letter in DeepSeek's class, but the CJK run [ࠀ-一] takes it first
        assertThat(split("deepseek-llm", "\u212A")).containsExactly("\u212A");
    }

    @Test
    void deepseekLlmSplitsEveryUnicodeDigit() {
        assertThat(split("deepseek-llm", "٣٤٥٦ ½¾ x²³ Ⅻ"))
                .containsExactly("٣", "٤", "٥", "٦", " ", "½", "¾", " x", "²", "³", " ", "Ⅻ");
    }

    @Test
    void unknownNamesAreRejected() {
        assertThatThrownBy(() -> PreTokenizer.named("llama3")).hasMessageContaining("llama3")
                .hasMessageContaining("deepseek-v3").hasMessageContaining("deepseek-llm");
        assertThatThrownBy(() -> PreTokenizer.named(null)).hasMessageContaining("tokenizer.ggml.pre");
    }
}
