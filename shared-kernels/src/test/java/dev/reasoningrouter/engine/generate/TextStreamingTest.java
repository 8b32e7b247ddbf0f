package dev.reasoningrouter.engine.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.engine.TestModels;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.model.LoadedModel;
import dev.reasoningrouter.engine.model.ModelLoader;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tokenizer.Tokenizer;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text-side generation (UTF-8 assembly across tokens, stop strings) with a test-only byte tokenizer. */
class TextStreamingTest {

    @TempDir
    Path dir;

    /** Test double: ids below 256 are single bytes, others decode to nothing. Only the generator's text logic is under test. */
    static final class ByteIds implements Tokenizer {
        public int[] encode(String text) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            int[] ids = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                ids[i] = b[i] & 0xFF;
            }
            return ids;
        }

        public String decode(int[] ids) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            for (int id : ids) {
                o.writeBytes(tokenBytes(id));
            }
            return o.toString(StandardCharsets.UTF_8);
        }

        public byte[] tokenBytes(int id) {
            return id < 256 ? new byte[] {(byte) id} : new byte[0];
        }

        public int vocabSize() {
            return 512;
        }

        public int bosId() {
            return -1;
        }

        public int eosId() {
            return -1;
        }

        public OptionalInt specialTokenId(String text) {
            return OptionalInt.empty();
        }

        public TokenizerVocabulary vocabulary() {
            throw new UnsupportedOperationException("not needed by the generator");
        }
    }

    @Test
    void streamedTextEqualsTheFinalTextAndStopStringsCutIt() {
        SyntheticModel m = TestModels.tinySigmoid(29);
        try (LoadedModel lm = ModelLoader.load(TestModels.writeGguf(m, GgmlType.F32, dir), 2)) {
            Generator g = new Generator(lm.model(), new ByteIds());
            SamplingParams sp = SamplingParams.sampled(1.5, 1.0, 3, 40).withIgnoreEos(true);
            StringBuilder streamed = new StringBuilder();
            GenerationResult free = g.generate(new GenerationRequest(new int[] {508, 65}, sp, new ExpertBudget(2)),
                    t -> streamed.append(t.text()));
            assertThat(streamed.toString()).isEqualTo(free.text());
            assertThat(free.text()).isEqualTo(new ByteIds().decode(free.tokens()));
            // stop at a two-character string taken from the middle of the free-running text
            String text = free.text();
            int mid = Math.max(1, text.length() / 2);
            String stop = text.substring(mid, Math.min(text.length(), mid + 2));
            StringBuilder streamed2 = new StringBuilder();
            GenerationResult r = g.generate(new GenerationRequest(new int[] {508, 65}, sp.withStops(List.of(), List.of(stop)),
                    new ExpertBudget(2)), t -> streamed2.append(t.text()));
            assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(r.text()).isEqualTo(text.substring(0, text.indexOf(stop)));
            assertThat(streamed2.toString()).isEqualTo(r.text());
        }
    }
}
