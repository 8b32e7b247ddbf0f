package dev.reasoningrouter.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import dev.reasoningrouter.trainer.data.DataRecipe;
import dev.reasoningrouter.trainer.data.ExampleSampler;
import dev.reasoningrouter.trainer.nn.Parameter;
import dev.reasoningrouter.trainer.vocab.TaskVocabulary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few-step training run of the tiny preset: the loss falls, progress lines print, and a resumed run continues it. */
class TrainingSmokeTest {
    private static final Pattern LOSS = Pattern.compile("step (\\d+)/\\d+ loss ([0-9.]+)");

    private static RunHeader header(TokenizerVocabulary vocab, int steps) {
        ModelConfig c = ModelPresets.named("tiny", vocab);
        DataRecipe recipe = DataRecipe.standard(11, c.numExpertsPerTok(), 256);
        TrainingConfig t = new TrainingConfig(steps, 768, 3e-3, 2, 0.1, 0.2, 0.05, 0.9, 0.95, 1.0, 5e-3, 12);
        return new RunHeader("tiny", c, t, recipe, 10, 0, 0, 0, Double.NaN);
    }

    private static TokenizerVocabulary vocab;

    @BeforeAll
    static void learn() {
        vocab = TaskVocabulary.learn(new ExampleSampler(DataRecipe.standard(11, 2, 256)), 10, 600, 400);
    }

    @Test
    void theLossFallsAndProgressIsReported(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Trainer t = Trainer.create(dir, header(vocab, 20), vocab, 2, out)) {
            t.run(0, 4, 100, 10);
        }
        String log = bytes.toString(StandardCharsets.UTF_8);
        List<Double> losses = new ArrayList<>();
        Matcher m = LOSS.matcher(log);
        while (m.find()) {
            losses.add(Double.parseDouble(m.group(2)));
        }
        assertThat(losses).hasSize(5);
        assertThat(losses.getLast()).isLessThan(losses.getFirst() - 0.5);
        assertThat(log).contains("tok/s", "ETA", "val ");
        assertThat(Files.readString(dir.resolve(Trainer.LOG_FILE))).isEqualTo(log);
        assertThat(Checkpoint.readHeader(dir).step()).isEqualTo(20);
    }

    @Test
    void aResumedRunEndsExactlyWhereAnUninterruptedOneDoes(@TempDir Path dir) throws Exception {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
        try (Trainer t = Trainer.create(straight, header(vocab, 6), vocab, 2, quiet)) {
            t.run(0, 3, 100, 0);
        }
        try (Trainer t = Trainer.create(resumed, header(vocab, 6), vocab, 2, quiet)) {
            t.run(3, 3, 100, 0);
        }
        assertThat(Checkpoint.readHeader(resumed).step()).isEqualTo(3);
        try (Trainer t = Trainer.resume(resumed, 2, 0, quiet)) {
            t.run(0, 3, 100, 0);
            try (Trainer u = Trainer.resume(straight, 2, 0, quiet)) {
                // the same data and optimiser state: equal up to float rounding (the Vector API's interpreted fallbacks
                // round lane sums and exp differently from compiled code); a lost optimiser state or a different batch
                // would differ by about the learning rate, 3e-3, per step
                double worst = 0;
                for (Parameter p : t.model().parameters()) {
                    float[] a = p.value(), b = u.model().parameter(p.name()).value();
                    for (int i = 0; i < a.length; i++) {
                        worst = Math.max(worst, Math.abs(a[i] - b[i]));
                    }
                }
                assertThat(worst).isLessThan(1e-4);
                assertThat(Checkpoint.readHeader(resumed).tokensSeen()).isEqualTo(Checkpoint.readHeader(straight).tokensSeen());
            }
        }
    }
}
