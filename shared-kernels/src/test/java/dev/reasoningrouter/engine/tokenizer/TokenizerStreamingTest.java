package dev.reasoningrouter.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenizerStreamingTest {

    private BpeTokenizer tok;

    @BeforeAll
    void load() {
        tok = DeepSeekTokenizers.bundledV3();
    }

    @Test
    void chunksJoinToTheTextAndNeverHoldHalfCharacters() {
        String text = "Emoji 😀👍🏽🇺🇸 then 中文字符测试 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, code:\n\tx = 1<｜end▁of▁sentence｜>";
        int[] ids = tok.encode(text);
        StreamingDetokenizer stream = new StreamingDetokenizer(tok);
        List<String> chunks = new ArrayList<>();
        int held = 0;
        for (int id : ids) {
            String chunk = stream.push(id);
            if (chunk.isEmpty()) {
                held++;
            }
            chunks.add(chunk);
        }
        chunks.add(stream.finish());
        assertThat(String.join("", chunks)).isEqualTo(text);
        assertThat(chunks).noneMatch(c -> c.contains("\uFFFD"));
        assertThat(held).isPositive(); // the emoji really were split across tokens
    }

    @Test
    void anUnfinishedCharacterBecomesAReplacementOnFinish() {
        int[] ids = tok.encode("😀");
        StreamingDetokenizer stream = new StreamingDetokenizer(tok);
        assertThat(stream.push(ids[0])).isEmpty();
        assertThat(stream.finish()).isEqualTo("\uFFFD");
        assertThat(stream.finish()).isEmpty();
    }

    @Test
    void completePrefixFindsCharacterBoundaries() {
        byte[] euro = {(byte) 0xE2, (byte) 0x82, (byte) 0xAC}; // €
        assertThat(StreamingDetokenizer.completePrefix(euro, 3)).isEqualTo(3);
        assertThat(StreamingDetokenizer.completePrefix(euro, 2)).isZero();
        assertThat(StreamingDetokenizer.completePrefix(new byte[] {'a', (byte) 0xF0}, 2)).isEqualTo(1);
        assertThat(StreamingDetokenizer.completePrefix(new byte[] {'a', (byte) 0x80}, 2)).isEqualTo(2); // stray byte
        assertThat(StreamingDetokenizer.completePrefix(new byte[] {(byte) 0xFF}, 1)).isEqualTo(1);
    }
}
