package dev.reasoningrouter.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BPE merge order and vocabulary checks on small hand-made vocabularies, where the answer is known by hand. */
class BpeTokenizerMergeTest {

    private static String[] pieces(BpeTokenizer tok, String text) {
        return Arrays.stream(tok.encode(text)).mapToObj(tok::tokenText).toArray(String[]::new);
    }

    @Test
    void lowerRankMergesFirst() {
        assertThat(pieces(BpeTokenizer.fromVocabulary(TinyVocabulary.of(List.of("a b", "b c"))), "abc"))
                .containsExactly("ab", "c");
        assertThat(pieces(BpeTokenizer.fromVocabulary(TinyVocabulary.of(List.of("b c", "a b"))), "abc"))
                .containsExactly("a", "bc");
    }

    @Test
    void equalRanksMergeLeftmostFirst() {
        BpeTokenizer tok = BpeTokenizer.fromVocabulary(TinyVocabulary.of(List.of("a a")));
        assertThat(pieces(tok, "aaa")).containsExactly("aa", "a");
        assertThat(pieces(tok, "aaaaa")).containsExactly("aa", "aa", "a");
    }

    @Test
    void mergesChainAndStaleCandidatesAreSkipped() {
        BpeTokenizer tok = BpeTokenizer.fromVocabulary(TinyVocabulary.of(List.of("h e", "l l", "he ll", "hell o")));
        assertThat(pieces(tok, "hello")).containsExactly("hello");
        // "l o" wins over "h e"; "he l" then has no "l" left to take
        BpeTokenizer tok2 = BpeTokenizer.fromVocabulary(TinyVocabulary.of(List.of("l o", "h e", "he l")));
        assertThat(pieces(tok2, "helo")).containsExactly("he", "lo");
    }

    @Test
    void bytesBecomeByteLevelSymbols() {
        // "é" is C3 A9, written Ã© in the byte-to-unicode alphabet; space is Ġ
        BpeTokenizer tok = BpeTokenizer.fromVocabulary(TinyVocabulary.of(List.of("Ã ©", "Ġ Ã©")));
        assertThat(pieces(tok, " é")).containsExactly("ĠÃ©");
        assertThat(pieces(tok, "é")).containsExactly("Ã©");
        assertThat(tok.decode(tok.encode(" é é"))).isEqualTo(" é é");
        assertThat(tok.tokenBytes(tok.encode(" é")[0])).containsExactly(0x20, 0xC3, 0xA9);
    }

    @Test
    void specialTokensAreCutOutFirstLongestMatchWins() {
        TokenizerVocabulary v = TinyVocabulary.of("deepseek-v3", List.of("a b"), List.of("<s>", "<s><s>", "</s>"), null);
        BpeTokenizer tok = BpeTokenizer.fromVocabulary(v);
        int s = tok.specialTokenId("<s>").orElseThrow();
        int ss = tok.specialTokenId("<s><s>").orElseThrow();
        int end = tok.specialTokenId("</s>").orElseThrow();
        assertThat(tok.encode("ab<s><s><s>ab</s>"))
                .containsExactly(tok.encode("ab")[0], ss, s, tok.encode("ab")[0], end);
        assertThat(tok.bosId()).isEqualTo(s);
        assertThat(tok.eosId()).isEqualTo(ss);
    }

    @Test
    void deepseekLlmSplitsDigitsOneByOne() {
        TokenizerVocabulary v = TinyVocabulary.of("deepseek-llm", List.of("1 2", "12 3"), List.of(), null);
        BpeTokenizer tok = BpeTokenizer.fromVocabulary(v);
        // the digits are separate pieces, so the merges never apply
        assertThat(pieces(tok, "123")).containsExactly("1", "2", "3");
        BpeTokenizer v3 = BpeTokenizer.fromVocabulary(TinyVocabulary.of(List.of("1 2", "12 3")));
        assertThat(pieces(v3, "1234")).containsExactly("123", "4");
    }

    @Test
    void badVocabulariesFailWithTheKeyNamed() {
        TokenizerVocabulary ok = TinyVocabulary.of(List.of("a b"));
        assertThatThrownBy(() -> BpeTokenizer.fromVocabulary(new TokenizerVocabulary("llama", "deepseek-v3",
                ok.tokens(), ok.tokenTypes(), ok.merges(), -1, -1, -1, null)))
                .hasMessageContaining("tokenizer.ggml.model").hasMessageContaining("gpt2");
        assertThatThrownBy(() -> BpeTokenizer.fromVocabulary(new TokenizerVocabulary("gpt2", "qwen2",
                ok.tokens(), ok.tokenTypes(), ok.merges(), -1, -1, -1, null)))
                .hasMessageContaining("qwen2").hasMessageContaining("deepseek-v3");
        assertThatThrownBy(() -> BpeTokenizer.fromVocabulary(new TokenizerVocabulary("gpt2", "deepseek-v3",
                ok.tokens(), new int[3], ok.merges(), -1, -1, -1, null)))
                .hasMessageContaining("tokenizer.ggml.token_type");
        assertThatThrownBy(() -> BpeTokenizer.fromVocabulary(new TokenizerVocabulary("gpt2", "deepseek-v3",
                ok.tokens(), ok.tokenTypes(), List.of("a b", "x yz"), -1, -1, -1, null)))
                .hasMessageContaining("tokenizer.ggml.merges[1]").hasMessageContaining("yz");
        assertThatThrownBy(() -> BpeTokenizer.fromVocabulary(new TokenizerVocabulary("gpt2", "deepseek-v3",
                ok.tokens(), ok.tokenTypes(), List.of("ab"), -1, -1, -1, null)))
                .hasMessageContaining("tokenizer.ggml.merges[0]");
        assertThatThrownBy(() -> BpeTokenizer.fromVocabulary(new TokenizerVocabulary("gpt2", "deepseek-v3",
                ok.tokens(), ok.tokenTypes(), ok.merges(), 999, -1, -1, null)))
                .hasMessageContaining("tokenizer.ggml.bos_token_id");
    }

    @Test
    void aByteWithoutATokenIsAClearError() {
        TokenizerVocabulary full = TinyVocabulary.of(List.of("a b"));
        List<String> tokens = new java.util.ArrayList<>(full.tokens());
        tokens.set(0xC3, "[missing]"); // no token for byte C3 any more
        BpeTokenizer tok = BpeTokenizer.fromVocabulary(new TokenizerVocabulary("gpt2", "deepseek-v3", tokens,
                full.tokenTypes(), full.merges(), -1, -1, -1, null));
        assertThat(tok.decode(tok.encode("ab"))).isEqualTo("ab");
        assertThatThrownBy(() -> tok.encode("é")).hasMessageContaining("0xC3");
    }

    @Test
    void vocabularyIsACopy() {
        BpeTokenizer tok = BpeTokenizer.fromVocabulary(TinyVocabulary.of(List.of("a b")));
        tok.vocabulary().tokenTypes()[97] = TokenizerVocabulary.TYPE_CONTROL;
        assertThat(tok.vocabulary().tokenTypes()[97]).isEqualTo(TokenizerVocabulary.TYPE_NORMAL);
        assertThat(tok.vocabulary().preTokenizer()).isEqualTo("deepseek-v3");
    }
}
