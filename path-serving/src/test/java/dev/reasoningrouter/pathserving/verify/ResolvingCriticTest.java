package dev.reasoningrouter.pathserving.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.engine.generate.SamplingParams;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The re-solving critic on the project's trained model (model/): a real model that solves arithmetic by thinking. */
class ResolvingCriticTest {
    private static final Path MODEL = Path.of("..", "model", "rr-tasks-small-q8_0.gguf");
    private static ModelHost host;

    @BeforeAll
    static void open() {
        assertThat(Files.isRegularFile(MODEL)).as("the committed trained model " + MODEL.toAbsolutePath()).isTrue();
        host = ModelHost.open(MODEL, 1, 4);
    }

    @AfterAll
    static void close() {
        host.close();
    }

    @Test
    void scoresTheRightAnswerAboveAWrongOneAndSolvesEachQuestionOnce() {
        ResolvingCritic critic = new ResolvingCritic(host, ResolvingCritic.budgetsBelow(host.trainedTopK(), 2), 200);
        Verdict right = critic.verify("What is 47 + 38?", "85", new CancellationToken());
        Verdict wrong = critic.verify("What is 47 + 38?", "75", new CancellationToken());

        assertThat(right.score()).isGreaterThan(0.5).isLessThan(1.0);
        assertThat(wrong.score()).isLessThan(0.5).isGreaterThan(0.0);
        assertThat(right.critique()).isEqualTo("yes");
        assertThat(wrong.critique()).isEqualTo("no");
        // the first verdict paid for two worked solutions; the second reused them
        assertThat(right.completionTokens()).isGreaterThan(10);
        assertThat(wrong.completionTokens()).isZero();
    }

    @Test
    void theLoopRefinesAWrongEscalatedDraftIntoTheSolvedAnswer() {
        ResolvingCritic critic = new ResolvingCritic(host, ResolvingCritic.budgetsBelow(host.trainedTopK(), 2), 200);
        ModelLearner learner = new ModelLearner(host, ExpertBudget.full(host.config()), SamplingParams.greedy(200), true);
        try (ExecutorService samplers = Executors.newVirtualThreadPerTaskExecutor()) {
            LoopOutcome o = new VerificationLoop(learner, critic, samplers).run("What is 29 + 56?",
                    List.of(new ChatTurn("user", "What is 29 + 56?")),
                    new dev.reasoningrouter.contracts.Escalation("fast", "76", 0.2, 0.35, "low confidence", 0L),
                    new LoopSettings(3, 0.5, 4096, Duration.ofMinutes(2), 1), t -> { }, new CancellationToken());
            assertThat(o.chosen().answer()).isEqualTo("85");
            assertThat(o.report().scores().getFirst()).isLessThan(0.5); // round 0, the fast path's wrong draft
        }
    }

    @Test
    void budgetsBelowTheTopKDownToOne() {
        assertThat(ResolvingCritic.budgetsBelow(4, 2)).extracting(ExpertBudget::experts).containsExactly(3, 2);
        assertThat(ResolvingCritic.budgetsBelow(2, 3)).extracting(ExpertBudget::experts).containsExactly(1);
        assertThat(ResolvingCritic.budgetsBelow(1, 2)).extracting(ExpertBudget::experts).containsExactly(1);
        assertThatThrownBy(() -> new ResolvingCritic(host, List.of(), 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
