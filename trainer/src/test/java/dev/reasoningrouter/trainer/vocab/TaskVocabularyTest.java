package dev.reasoningrouter.trainer.vocab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tokenizer.BpeTokenizer;
import dev.reasoningrouter.engine.tokenizer.ChatTemplate;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import dev.reasoningrouter.trainer.data.DataRecipe;
import dev.reasoningrouter.trainer.data.Example;
import dev.reasoningrouter.trainer.data.ExampleSampler;
import dev.reasoningrouter.trainer.data.SequenceEncoder;
import dev.reasoningrouter.trainer.export.ModelExport;
import dev.reasoningrouter.trainer.export.TrainedTensors;
import dev.reasoningrouter.trainer.nn.TrainableModel;
import dev.reasoningrouter.trainer.training.ModelPresets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskVocabularyTest {
    private static final ExampleSampler SAMPLER = new ExampleSampler(DataRecipe.standard(1, 2, 384));
    private static TokenizerVocabulary vocab;
    private static BpeTokenizer tok;

    @BeforeAll
    static void learn() {
        vocab = TaskVocabulary.learn(SAMPLER, 3, 1500, 400);
        tok = BpeTokenizer.fromVocabulary(vocab);
    }

    @Test
    void hasTheSizeTheSpecialTokensAndTheTemplate() {
        assertThat(vocab.tokens()).hasSize(400);
        assertThat(vocab.preTokenizer()).isEqualTo("deepseek-v3");
        for (BpeTrainer.Special s : TaskVocabulary.SPECIALS) {
            int id = vocab.tokens().indexOf(s.text());
            assertThat(id).as(s.text()).isNotNegative();
            assertThat(vocab.tokenTypes()[id]).isEqualTo(s.type());
            assertThat(tok.encode(s.text())).containsExactly(id);
        }
        assertThat(vocab.tokens().get(vocab.bosId())).isEqualTo("<｜begin▁of▁sentence｜>");
        assertThat(vocab.tokens().get(vocab.eosId())).isEqualTo("<｜end▁of▁sentence｜>");
        assertThat(ChatTemplate.forVocabulary(vocab).name()).isEqualTo(ChatTemplate.DEEPSEEK_V3);
        assertThat(tok.encode("yes")).hasSize(1);
        assertThat(tok.encode("no")).hasSize(1);
    }

    @Test
    void everyDigitIsItsOwnTokenAndNoMergeJoinsDigits() {
        for (String m : vocab.merges()) {
            String joined = m.replace(" ", "");
            assertThat(joined.chars().filter(Character::isDigit).count()).as(m).isLessThan(2);
        }
        int[] ids = tok.encode("12345+67890=80235");
        assertThat(ids).hasSize(17);
        for (int i = 0; i < 10; i++) {
            assertThat(tok.encode(Integer.toString(i))).hasSize(1);
        }
    }

    @Test
    void encodesAndDecodesTheTrainingTextLosslessly() {
        SequenceEncoder enc = new SequenceEncoder(tok);
        SplittableRandom rnd = new SplittableRandom(9);
        for (int i = 0; i < 200; i++) {
            Example e = SAMPLER.next(rnd);
            String text = enc.fullText(e.conversation());
            assertThat(tok.decode(tok.encode(text))).isEqualTo(text);
            // what the model is trained on is what serving encodes: the prompt on its own, then the reply
            var seq = enc.encode(e.conversation(), 1);
            assertThat(tok.decode(java.util.Arrays.copyOf(seq.tokens(), seq.replyStart()))).isEqualTo(enc.promptText(e.conversation()));
        }
        // any text at all still encodes (byte fallback through the 256 byte tokens)
        String odd = "Grüße, 世界! ∑ x² → ∞";
        assertThat(tok.decode(tok.encode(odd))).isEqualTo(odd);
    }

    @Test
    void theExportedGgufCarriesTheVocabularyAndTheEngineSpeaksIt(@TempDir Path dir) throws Exception {
        TrainableModel m = new TrainableModel(ModelPresets.named("tiny", vocab));
        m.initialise(1);
        Path file = dir.resolve("tiny.gguf");
        ModelExport.gguf(new TrainedTensors(m, vocab, "vocabulary test"), GgmlType.Q8_0, file);
        try (ModelHost host = ModelHost.open(file, 1, 1)) {
            TokenizerVocabulary read = host.tokenizer().vocabulary();
            assertThat(read.tokens()).isEqualTo(vocab.tokens());
            assertThat(read.tokenTypes()).isEqualTo(vocab.tokenTypes());
            assertThat(read.merges()).isEqualTo(vocab.merges());
            assertThat(read.bosId()).isEqualTo(vocab.bosId());
            assertThat(read.eosId()).isEqualTo(vocab.eosId());
            assertThat(host.chatTemplate().name()).isEqualTo(ChatTemplate.DEEPSEEK_V3);
            assertThat(host.isSynthetic()).as("a trained model carries no random-weight warning").isFalse();
            String text = "<｜User｜>What is 4821 + 795?<｜Assistant｜><think>\n4821+795\n</think>\n5616";
            assertThat(host.tokenizer().encode(text)).isEqualTo(tok.encode(text));
        }
    }
}
