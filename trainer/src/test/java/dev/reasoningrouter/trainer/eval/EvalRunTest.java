package dev.reasoningrouter.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import dev.reasoningrouter.trainer.data.DataRecipe;
import dev.reasoningrouter.trainer.data.ExampleSampler;
import dev.reasoningrouter.trainer.export.ModelExport;
import dev.reasoningrouter.trainer.export.TrainedTensors;
import dev.reasoningrouter.trainer.nn.TrainableModel;
import dev.reasoningrouter.trainer.training.ModelPresets;
import dev.reasoningrouter.trainer.tasks.Task;
import dev.reasoningrouter.trainer.tasks.TaskGenerator;
import dev.reasoningrouter.trainer.vocab.TaskVocabulary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation end to end through the engine on a small untrained model: every mode and the critic report. */
class EvalRunTest {

    private static Path tinyModel(Path dir) throws Exception {
        TokenizerVocabulary vocab = TaskVocabulary.learn(new ExampleSampler(DataRecipe.standard(1, 2, 384)), 3, 800, 400);
        TrainableModel m = new TrainableModel(ModelPresets.named("tiny", vocab));
        m.initialise(2);
        Path file = dir.resolve("m.gguf");
        ModelExport.gguf(new TrainedTensors(m, vocab, "eval test"), GgmlType.F32, file);
        return file;
    }

    @Test
    void theReasoningPathsVerificationLoopRunsOnTheModelAndCountsEveryDraft(@TempDir Path dir) throws Exception {
        try (ModelHost host = ModelHost.open(tinyModel(dir), 1, 8)) {
            Evaluator ev = new Evaluator(host);
            List<Task> tasks = TaskGenerator.heldOut(7, 1).subList(0, 3);
            List<ItemResult> single = ev.answer(tasks, EvalMode.reasoning());
            List<ItemResult> once = ev.verified(tasks, 2, 0.0); // every verdict accepts: one round, the greedy draft
            List<ItemResult> twice = ev.verified(tasks, 2, 1.0); // an untrained critic never says yes for sure: two rounds
            for (int i = 0; i < tasks.size(); i++) {
                assertThat(once.get(i).mode()).isEqualTo("verified");
                assertThat(once.get(i).task()).isEqualTo(tasks.get(i));
                assertThat(once.get(i).answer()).isEqualTo(single.get(i).answer());
                assertThat(once.get(i).completionTokens()).isGreaterThanOrEqualTo(single.get(i).completionTokens());
                assertThat(twice.get(i).completionTokens()).isGreaterThan(once.get(i).completionTokens());
                assertThat(twice.get(i).correct()).isEqualTo(dev.reasoningrouter.trainer.tasks.AnswerChecker.matches(
                        tasks.get(i).answer(), twice.get(i).answer()));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void reportsEveryModeWithItsCostAndTheCritic(@TempDir Path dir) throws Exception {
        Path file = tinyModel(dir);
        try (ModelHost host = ModelHost.open(file, 1, 8)) {
            EvalRun.Settings s = new EvalRun.Settings(1, 7, List.of("fast-k1", "fast-k2", "direct-full"), true, 0, 0, true);
            EvalReport report = new EvalRun(host, new PrintStream(new ByteArrayOutputStream())).run(file.toString(), s);
            Map<String, Object> json = report.toMap(true);
            List<Map<String, Object>> modes = (List<Map<String, Object>>) json.get("modes");
            assertThat(modes).extracting(mm -> mm.get("mode")).containsExactly("fast-k1", "fast-k2", "direct-full");
            long k1 = (long) modes.get(0).get("activeParametersPerToken");
            long k2 = (long) modes.get(1).get("activeParametersPerToken");
            long full = (long) modes.get(2).get("activeParametersPerToken");
            assertThat(k1).isLessThan(k2);
            assertThat(k2).isEqualTo(full); // the tiny preset's trained top-k is 2
            for (Map<String, Object> mode : modes) {
                assertThat((double) mode.get("accuracy")).isBetween(0.0, 1.0);
                assertThat((Map<String, Object>) mode.get("byLevel")).containsOnlyKeys("1", "2", "3", "4");
                assertThat((double) mode.get("meanCompletionTokens")).isGreaterThan(0);
            }
            assertThat((List<Object>) json.get("items")).hasSize(3 * 24);
            Map<String, Object> critic = (Map<String, Object>) json.get("critic");
            assertThat((int) critic.get("items")).isEqualTo(48);
            assertThat(report.table()).contains("fast-k1", "critic:");
        }
    }
}
