package dev.reasoningrouter.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A vocabulary written as tokenizer.json reads back as the same tokenizer; the pre-tokenizer's pieces for BPE training. */
class HuggingFaceExportTest {

    private static final String TEXT = "<｜User｜>What is 4821 + 795? Grüße 证明 😀\n\tx**2<｜Assistant｜>5616<｜end▁of▁sentence｜>";

    @Test
    void aWrittenTokenizerJsonReadsBackAsTheSameTokenizer(@TempDir Path dir) throws Exception {
        TokenizerVocabulary v = TokenizerVocabularies.truncated(DeepSeekTokenizers.bundledV3().vocabulary(), 3000);
        TokenizerVocabularies.writeHuggingFace(v, dir);
        BpeTokenizer read = BpeTokenizer.fromTokenizerJson(dir.resolve("tokenizer.json"));
        TokenizerVocabulary back = read.vocabulary();
        assertThat(back.tokens()).isEqualTo(v.tokens());
        assertThat(back.merges()).isEqualTo(v.merges());
        assertThat(back.preTokenizer()).isEqualTo("deepseek-v3");
        assertThat(back.bosId()).isEqualTo(v.bosId());
        assertThat(back.eosId()).isEqualTo(v.eosId());
        assertThat(back.chatTemplate()).isEqualTo(v.chatTemplate());
        assertThat(read.encode(TEXT)).containsExactly(BpeTokenizer.fromVocabulary(v).encode(TEXT));
        assertThat(read.decode(read.encode(TEXT))).isEqualTo(TEXT);
    }

    @Test
    void onlyTheDeepSeekV3PreTokenizerIsWritten(@TempDir Path dir) {
        TokenizerVocabulary v = TokenizerVocabularies.truncated(DeepSeekTokenizers.bundledV3().vocabulary(), 10);
        TokenizerVocabulary llm = new TokenizerVocabulary(v.model(), "deepseek-llm", v.tokens(), v.tokenTypes(), v.merges(),
                v.bosId(), v.eosId(), v.padId(), v.chatTemplate());
        assertThatThrownBy(() -> TokenizerVocabularies.writeHuggingFace(llm, dir)).hasMessageContaining("deepseek-llm");
    }

    @Test
    void preTokenizePiecesAreWhatTheEncoderMergesWithin() {
        assertThat(BpeTokenizer.preTokenize("deepseek-v3", "What is 48213 + 795?\n"))
                .containsExactly("What", " is", " ", "482", "13", " +", " ", "795", "?\n");
        assertThat(String.join("", BpeTokenizer.preTokenize("deepseek-llm", "a 12 b"))).isEqualTo("a 12 b");
        assertThat(BpeTokenizer.preTokenize("deepseek-llm", "a 12")).contains("1", "2");
        assertThatThrownBy(() -> BpeTokenizer.preTokenize("gpt4o", "x")).hasMessageContaining("gpt4o");
    }
}
