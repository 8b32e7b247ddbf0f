package dev.reasoningrouter.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** The real DeepSeek-V3 tokenizer, bundled in the jar, against ids from an independent implementation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeepSeekV3TokenizerTest {

    private BpeTokenizer tok;
    private BpeTokenizer fromGguf;

    @BeforeAll
    void load() {
        tok = DeepSeekTokenizers.bundledV3();
        fromGguf = BpeTokenizer.fromVocabulary(tok.vocabulary());
    }

    @Test
    void vocabularyHasTheRealSizes() {
        TokenizerVocabulary v = tok.vocabulary();
        assertThat(tok.vocabSize()).isEqualTo(128_815); // 128,000 BPE entries + added tokens up to id 128,814
        assertThat(tok.mergeCount()).isEqualTo(127_741);
        assertThat(v.merges()).hasSize(127_741);
        long control = Arrays.stream(v.tokenTypes()).filter(t -> t == TokenizerVocabulary.TYPE_CONTROL).count();
        long normal = Arrays.stream(v.tokenTypes()).filter(t -> t == TokenizerVocabulary.TYPE_NORMAL).count();
        assertThat(control).isEqualTo(818); // every added token, ids 0-2 and 128000-128814
        assertThat(normal).isEqualTo(128_000 - 3);
        assertThat(v.model()).isEqualTo("gpt2");
        assertThat(v.preTokenizer()).isEqualTo("deepseek-v3");
        assertThat(v.merges().get(0)).isEqualTo("Ġ t");
        assertThat(tok.bosId()).isZero();
        assertThat(tok.eosId()).isEqualTo(1);
        assertThat(v.padId()).isEqualTo(1);
        assertThat(v.tokens().get(0)).isEqualTo("<｜begin▁of▁sentence｜>");
        assertThat(v.chatTemplate()).contains("<｜User｜>");
    }

    Stream<Arguments> expectedIds() {
        JsonNode cases = TestData.json("deepseek-v3-expected-ids.json").path("cases");
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : cases) {
            out.add(Arguments.of(c.path("text").asString(), TestData.ints(c.path("ids"))));
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("expectedIds")
    void encodesExactlyAsTheReferenceImplementation(String text, int[] expected) {
        assertThat(tok.encode(text)).as("ids of %s", text).containsExactly(expected);
        assertThat(tok.decode(expected)).isEqualTo(text);
    }

    @ParameterizedTest
    @MethodSource("expectedIds")
    void ggufFormOfTheVocabularyEncodesIdentically(String text, int[] expected) {
        assertThat(fromGguf.encode(text)).containsExactly(expected);
        assertThat(fromGguf.decode(expected)).isEqualTo(text);
    }

    @Test
    void encodesRandomStringsExactlyAsTheReferenceImplementation() {
        List<String> mismatches = new ArrayList<>();
        int n = 0;
        for (JsonNode c : TestData.json("deepseek-v3-random-ids.json").path("cases")) {
            String text = c.path("text").asString();
            int[] expected = TestData.ints(c.path("ids"));
            int[] actual = tok.encode(text);
            if (!Arrays.equals(expected, actual) || !tok.decode(actual).equals(text)) {
                mismatches.add(text + " -> " + Arrays.toString(actual) + ", expected " + Arrays.toString(expected));
            }
            n++;
        }
        assertThat(n).isEqualTo(500);
        assertThat(mismatches).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "plain ASCII sentence, with punctuation; and (brackets) [1] {2}!",
        "Ünïcödé façade — “quotes” ‘single’ «guillemets» naïve café",
        "digits 0 12 345 6789 1234567890123 3.14159 1e-10 -42 +7 ١٢٣ ½ Ⅻ ²",
        "中文文本测试，包括标点符号。日本語のひらがなとカタカナ。한국어 문장입니다.",
        "emoji 😀 👍🏽 🇺🇸 👨‍👩‍👧‍👦 ❤️ and ZWJ sequences",
        "code:\n\tdef f(x):\n\t\treturn {'a': [x, x ** 2]}  # comment\n    if (a && b || !c) { i += 1; }\n",
        "mixed   whitespace\t\t tabs \n\n\n newlines \r\n crlf \u00a0 nbsp \u3000 ideographic   ",
        "Ωmega ΐ ώ K Ω \u1FBE \u212A \u2126 combining e\u0301\u0302 x\u20d7",
        "<｜User｜>special tokens inside<｜Assistant｜>text<｜end▁of▁sentence｜> and <｜ not special",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐐀𐐁 astral letters 𝟘𝟙𝟚 digits",
    })
    void roundTrips(String text) {
        int[] ids = tok.encode(text);
        assertThat(tok.decode(ids)).isEqualTo(text);
        // the tokens' bytes are exactly the text's UTF-8, token by token (what streaming relies on)
        var bytes = new java.io.ByteArrayOutputStream();
        for (int id : ids) {
            bytes.writeBytes(tok.tokenBytes(id));
        }
        assertThat(bytes.toByteArray()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void specialTokensInTextMapToTheirIds() {
        assertThat(tok.specialTokenId("<｜User｜>")).hasValue(128_803);
        assertThat(tok.specialTokenId("<｜Assistant｜>")).hasValue(128_804);
        assertThat(tok.specialTokenId("<｜begin▁of▁sentence｜>")).hasValue(0);
        assertThat(tok.specialTokenId("<｜end▁of▁sentence｜>")).hasValue(1);
        assertThat(tok.specialTokenId("Hello")).isEmpty();
        int[] ids = tok.encode("<｜begin▁of▁sentence｜><｜User｜>Hi<｜Assistant｜>");
        assertThat(ids).containsExactly(0, 128_803, tok.encode("Hi")[0], 128_804);
        assertThat(tok.decode(new int[] {128_803})).isEqualTo("<｜User｜>");
        // a half-written special token is ordinary text
        assertThat(tok.encode("<｜User")).doesNotContain(128_803);
    }

    @Test
    void invalidUtf8DecodesToReplacementCharacters() {
        int[] ids = tok.encode("😀"); // four bytes; the vocabulary splits it
        assertThat(ids.length).isGreaterThan(1);
        String partial = tok.decode(Arrays.copyOf(ids, 1));
        assertThat(partial).contains("\uFFFD").doesNotContain("😀");
        int lone = tok.vocabulary().tokens().indexOf(String.valueOf(ByteLevel.charOf(0xF0)));
        assertThat(tok.tokenBytes(lone)).containsExactly((byte) 0xF0);
        assertThat(tok.decode(new int[] {lone, tok.encode("A")[0]})).isEqualTo("\uFFFDA");
    }

    @Test
    void badInputIsRejectedWithAClearError() {
        assertThatThrownBy(() -> tok.decode(new int[] {5, 128_815}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("128815");
        assertThatThrownBy(() -> tok.tokenBytes(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tok.encode(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unpairedSurrogatesEncodeAsReplacementCharacter() {
        assertThat(tok.decode(tok.encode("a\uD800b"))).isEqualTo("a\uFFFDb");
    }

    @Test
    void longRepetitiveTextMatchesPieceByPieceEncoding() {
        // the piece cache must not change results: encode a long text and its parts separately
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            sb.append("Line ").append(i).append(": the value is ").append(i * 37 % 1000).append(".\n");
        }
        String text = sb.toString();
        BpeTokenizer fresh = DeepSeekTokenizers.bundledV3();
        int[] all = tok.encode(text);
        assertThat(fresh.encode(text)).containsExactly(all);
        assertThat(tok.decode(all)).isEqualTo(text);
        int[] last = tok.encode("Line 1999: the value is 963.\n");
        assertThat(Arrays.copyOfRange(all, all.length - last.length, all.length)).containsExactly(last);
    }
}
