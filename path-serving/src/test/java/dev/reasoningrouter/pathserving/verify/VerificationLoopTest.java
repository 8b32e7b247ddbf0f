package dev.reasoningrouter.pathserving.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reasoningrouter.contracts.Escalation;
import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.engine.generate.FinishReason;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The verification loop's control flow with a scripted learner and critic: what it drafts, when it stops, and which
 * draft it returns.
 */
class VerificationLoopTest {
    static final ExecutorService SAMPLERS = Executors.newVirtualThreadPerTaskExecutor();
    static final List<ChatTurn> CONVERSATION = List.of(new ChatTurn("user", "What is 17 * 23?"));
    static final LoopSettings SETTINGS = new LoopSettings(3, 0.5, 10_000, Duration.ofMinutes(1), 1);

    @AfterAll
    static void close() {
        SAMPLERS.close();
    }

    /** Drafts the scripted answers in order, each 10 tokens with some thinking, optionally slowly; records requests. */
    static final class ScriptedLearner implements Learner {
        final List<String> answers;
        final List<DraftRequest> requests = Collections.synchronizedList(new ArrayList<>());
        final long sleepMillis;
        final AtomicInteger next = new AtomicInteger();

        ScriptedLearner(long sleepMillis, String... answers) {
            this.answers = Arrays.asList(answers);
            this.sleepMillis = sleepMillis;
        }

        ScriptedLearner(String... answers) {
            this(0, answers);
        }

        @Override
        public Draft draft(DraftRequest request, DraftListener listener, CancellationToken cancel) {
            requests.add(request);
            String answer = answers.get(next.getAndIncrement());
            listener.thinking("thinking about round " + request.round());
            long until = System.nanoTime() + sleepMillis * 1_000_000;
            while (System.nanoTime() < until && !cancel.isCancelled()) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (cancel.isCancelled() && sleepMillis > 0) {
                return new Draft("thinking about round " + request.round(), "", FinishReason.CANCELLED, 5, 4, 0, 1);
            }
            listener.answer(answer);
            return new Draft("thinking about round " + request.round(), answer, FinishReason.EOS, 5, 10, 2, 1);
        }
    }

    /** Scores answers from a table; an answer mapped to null makes the critic fail. */
    static final class ScriptedCritic implements Verifier {
        final Map<String, Double> scores;
        final List<String> judged = Collections.synchronizedList(new ArrayList<>());

        ScriptedCritic(Map<String, Double> scores) {
            this.scores = new ConcurrentHashMap<>(scores);
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public Verdict verify(String question, String answer, CancellationToken cancel) {
            judged.add(answer);
            Double s = scores.get(answer);
            if (s == null) {
                throw new IllegalStateException("critic unavailable");
            }
            return new Verdict(s, s >= 0.5 ? "yes" : "no, check the carry", 7, 3);
        }
    }

    static LoopOutcome run(Learner learner, Verifier critic, LoopSettings settings, Escalation escalation) {
        StringBuilder streamed = new StringBuilder();
        LoopOutcome out = new VerificationLoop(learner, critic, SAMPLERS).run("What is 17 * 23?", CONVERSATION, escalation,
                settings, streamed::append, new CancellationToken());
        assertEquals(out.trace(), streamed.toString(), "the trace streams as it is written");
        return out;
    }

    @Test
    void anAcceptedFirstDraftEndsTheLoop() {
        ScriptedLearner learner = new ScriptedLearner("391");
        ScriptedCritic critic = new ScriptedCritic(Map.of("391", 0.9));
        LoopOutcome out = run(learner, critic, SETTINGS, null);
        assertEquals("391", out.chosen().answer());
        assertEquals(1, out.report().rounds());
        assertTrue(out.report().accepted());
        assertEquals(1, out.report().chosenRound());
        assertEquals(List.of(0.9), out.report().scores());
        assertEquals("accepted", out.report().stopReason());
        assertEquals(1, learner.requests.size());
        assertEquals(5 + 7, out.promptTokens());
        assertEquals(10 + 3, out.completionTokens());
    }

    @Test
    void aRejectedDraftIsRefinedWithItsCritiqueThenAccepted() {
        ScriptedLearner learner = new ScriptedLearner("381", "391");
        ScriptedCritic critic = new ScriptedCritic(Map.of("381", 0.2, "391", 0.8));
        LoopOutcome out = run(learner, critic, SETTINGS, null);
        assertEquals("391", out.chosen().answer());
        assertEquals(2, out.report().rounds());
        assertEquals(2, out.report().chosenRound());
        assertEquals(List.of(0.2, 0.8), out.report().scores());
        DraftRequest refine = learner.requests.get(1);
        assertEquals("381", refine.previous().answer(), "the learner sees its rejected draft");
        assertEquals(0.2, refine.verdict().score());
        assertEquals("no, check the carry", refine.verdict().critique(), "and the critique");
        assertNull(learner.requests.getFirst().previous());
        assertTrue(out.trace().contains("Round 2: refining"), out.trace());
    }

    @Test
    void whenTheRoundsRunOutTheBestScoredDraftIsReturnedNotTheLast() {
        ScriptedLearner learner = new ScriptedLearner("381", "391", "401");
        ScriptedCritic critic = new ScriptedCritic(Map.of("381", 0.3, "391", 0.45, "401", 0.1));
        LoopOutcome out = run(learner, critic, SETTINGS, null);
        assertEquals("391", out.chosen().answer());
        assertEquals(3, out.report().rounds());
        assertEquals(2, out.report().chosenRound());
        assertFalse(out.report().accepted());
        assertEquals("rounds", out.report().stopReason());
        assertEquals(List.of(0.3, 0.45, 0.1), out.report().scores());
    }

    @Test
    void aFailingCriticStopsTheLoopWithTheBestDraftSoFar() {
        ScriptedLearner learner = new ScriptedLearner("381", "boom", "391");
        Map<String, Double> scores = new java.util.HashMap<>();
        scores.put("381", 0.2); // "boom" is not in the table: the critic throws on it
        LoopOutcome out = run(learner, new ScriptedCritic(scores), SETTINGS, null);
        assertEquals("381", out.chosen().answer(), "the scored draft wins over the unjudged one");
        assertEquals("critic_failed", out.report().stopReason());
        assertEquals(2, out.report().rounds());
        assertEquals(Arrays.asList(0.2, null), out.report().scores());
        assertEquals(2, learner.requests.size(), "no round after the failure");
        assertTrue(out.trace().contains("Critic failed (critic unavailable)"), out.trace());
    }

    @Test
    void theTokenBudgetStopsNewRounds() {
        ScriptedLearner learner = new ScriptedLearner("381", "391", "401");
        ScriptedCritic critic = new ScriptedCritic(Map.of("381", 0.3, "391", 0.2, "401", 0.9));
        LoopOutcome out = run(learner, critic, new LoopSettings(3, 0.5, 20, Duration.ofMinutes(1), 1), null);
        assertEquals(2, out.report().rounds(), "13 tokens after round 1, 26 after round 2: no third round");
        assertEquals("tokens", out.report().stopReason());
        assertEquals("381", out.chosen().answer());
    }

    @Test
    void theTimeBudgetCutsADraftShortAndReturnsTheBestSoFar() {
        ScriptedLearner learner = new ScriptedLearner(400, "381", "391");
        ScriptedCritic critic = new ScriptedCritic(Map.of("381", 0.3, "391", 0.9));
        LoopOutcome out = run(learner, critic, new LoopSettings(3, 0.5, 10_000, Duration.ofMillis(600), 1), null);
        assertEquals("time", out.report().stopReason());
        assertEquals("381", out.chosen().answer(), "round 2 was cut short before its answer");
        assertEquals(1, out.report().chosenRound());
    }

    @Test
    void anEscalatedDraftTheCriticAcceptsNeedsNoNewDraft() {
        ScriptedLearner learner = new ScriptedLearner("999");
        ScriptedCritic critic = new ScriptedCritic(Map.of("391", 0.7));
        LoopOutcome out = run(learner, critic, SETTINGS, new Escalation("fast", "391", 0.2, 0.35, "low confidence", 1L));
        assertEquals("391", out.chosen().answer());
        assertEquals(0, out.report().rounds());
        assertEquals(0, out.report().chosenRound());
        assertTrue(out.report().accepted());
        assertEquals(0, learner.requests.size());

        // rejected, it stays a candidate and the learner refines it
        ScriptedLearner learner2 = new ScriptedLearner("391");
        ScriptedCritic critic2 = new ScriptedCritic(Map.of("381", 0.1, "391", 0.9));
        LoopOutcome out2 = run(learner2, critic2, SETTINGS, new Escalation("fast", "381", 0.2, 0.35, "low confidence", 1L));
        assertEquals("391", out2.chosen().answer());
        assertEquals(List.of(0.1, 0.9), out2.report().scores());
        assertEquals("381", learner2.requests.getFirst().previous().answer());
    }

    @Test
    void aDraftWithoutAnAnswerScoresZeroWithoutAskingTheCritic() {
        ScriptedLearner learner = new ScriptedLearner("", "391");
        ScriptedCritic critic = new ScriptedCritic(Map.of("391", 0.6));
        LoopOutcome out = run(learner, critic, SETTINGS, null);
        assertEquals(List.of(0.0, 0.6), out.report().scores());
        assertEquals(List.of("391"), critic.judged);
        assertTrue(learner.requests.get(1).verdict().critique().contains("final answer"));
    }

    @Test
    void selfConsistencyVotesEachRoundAndTheCriticJudgesTheMajority() {
        Learner learner = (request, listener, cancel) -> {
            String answer = switch (request.sample()) {
                case 0 -> "391";
                case 1 -> "The answer is 381.";
                default -> "381";
            };
            return new Draft("", answer, FinishReason.EOS, 5, 10, 2, 1);
        };
        ScriptedCritic critic = new ScriptedCritic(Map.of("The answer is 381.", 0.8));
        LoopOutcome out = run(learner, critic, SETTINGS.withSamples(3), null);
        assertEquals("The answer is 381.", out.chosen().answer(), "381 has two votes of three");
        assertEquals(List.of("The answer is 381."), critic.judged, "one critic call per round");
        assertEquals(3, out.report().samples());
        assertEquals(15 + 7, out.promptTokens());
        assertTrue(out.trace().contains("[381] x2"), out.trace());
    }

    @Test
    void aCancelledCallerStopsTheLoop() {
        CancellationToken cancel = new CancellationToken();
        Learner learner = (request, listener, c) -> {
            cancel.cancel();
            return new Draft("", "381", FinishReason.EOS, 5, 10, 2, 1);
        };
        LoopOutcome out = new VerificationLoop(learner, new ScriptedCritic(Map.of("381", 0.1)), SAMPLERS)
                .run("q", CONVERSATION, null, SETTINGS, s -> {}, cancel);
        assertEquals("cancelled", out.report().stopReason());
        assertEquals(1, out.report().rounds());
    }
}
