package dev.reasoningrouter.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Padded and truncated vocabularies derived from the real DeepSeek-V3 one. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DerivedVocabularyTokenizerTest {

    private static final String TEXT = "<｜User｜>Prove that 1234567 is odd. 证明它是奇数。 😀\n\tdef f(x): return x**2<｜Assistant｜>";

    private BpeTokenizer full;

    @BeforeAll
    void load() {
        full = DeepSeekTokenizers.bundledV3();
    }

    private static String[] texts(BpeTokenizer t, int[] ids) {
        return Arrays.stream(ids).mapToObj(t::tokenText).toArray(String[]::new);
    }

    @Test
    void paddedVocabularyEncodesTheSameIds() {
        TokenizerVocabulary padded = TokenizerVocabularies.padded(full.vocabulary(), 129_280);
        BpeTokenizer t = BpeTokenizer.fromVocabulary(padded);
        assertThat(t.vocabSize()).isEqualTo(129_280);
        assertThat(padded.tokenTypes()[129_279]).isEqualTo(TokenizerVocabulary.TYPE_UNUSED);
        assertThat(t.encode(TEXT)).containsExactly(full.encode(TEXT));
        assertThat(t.encode("[PAD129000]")).doesNotContain(129_000); // unused tokens are not special
        assertThatThrownBy(() -> TokenizerVocabularies.padded(full.vocabulary(), 10)).hasMessageContaining("10");
    }

    @Test
    void truncatedWithEveryMergeSpeaksTheSamePieces() {
        BpeTokenizer t = BpeTokenizer.fromVocabulary(TokenizerVocabularies.truncated(full.vocabulary(), 127_741));
        assertThat(texts(t, t.encode(TEXT))).containsExactly(texts(full, full.encode(TEXT)));
    }

    @Test
    void smallTruncatedVocabularyStillEncodesEverything() {
        TokenizerVocabulary small = TokenizerVocabularies.truncated(full.vocabulary(), 1000);
        BpeTokenizer t = BpeTokenizer.fromVocabulary(small);
        assertThat(t.vocabSize()).isEqualTo(4 + 256 + 1000);
        assertThat(small.tokens().subList(0, 4))
                .containsExactly("<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>");
        assertThat(t.bosId()).isZero();
        assertThat(t.eosId()).isEqualTo(1);
        assertThat(small.padId()).isEqualTo(1);
        assertThat(ChatTemplate.forVocabulary(small).name()).isEqualTo("deepseek-v3");
        int[] ids = t.encode(TEXT);
        assertThat(ids[0]).isEqualTo(2);
        assertThat(ids[ids.length - 1]).isEqualTo(3);
        assertThat(ids.length).isGreaterThan(full.encode(TEXT).length); // fewer merges, more tokens
        assertThat(t.decode(ids)).isEqualTo(TEXT);
        assertThat(texts(t, t.encode(" the"))).containsExactly("Ġthe"); // an early merge survives
        assertThatThrownBy(() -> TokenizerVocabularies.truncated(full.vocabulary(), 200_000))
                .hasMessageContaining("200000");
    }
}
