package dev.reasoningrouter.pathserving.verify;

import dev.reasoningrouter.contracts.Escalation;
import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import dev.reasoningrouter.pathserving.core.VerificationReport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * The reasoning path's learner/critic loop. The learner drafts an answer (thinking first); the critic scores it; a
 * draft at or above the accept threshold ends the loop, otherwise the critique goes back to the learner, which
 * refines. Rounds stop at the round, token or time budget, when the caller cancels, or when the critic fails; the
 * answer returned is the best-scored draft of all rounds (the earliest on a tie), never simply the last. With
 * self-consistency each round drafts several samples at once (they share the decode batch) and the round's answer is
 * their majority vote. A job escalated by the fast path has its draft scored first, as round 0: if the critic
 * accepts it, no new draft is made.
 *
 * <p>Everything the loop does is written to a readable trace, streamed as it happens.
 */
public final class VerificationLoop {
    private final Learner learner;
    private final Verifier verifier;
    private final ExecutorService samplers;

    /** @param samplers runs the extra self-consistency samples of a round concurrently (virtual threads suit) */
    public VerificationLoop(Learner learner, Verifier verifier, ExecutorService samplers) {
        this.learner = learner;
        this.verifier = verifier;
        this.samplers = samplers;
    }

    private record Candidate(Draft draft, Double score, int round) {}

    /**
     * Runs the loop.
     *
     * @param question     what the critic judges answers against (the last user message)
     * @param conversation the client's conversation
     * @param escalation   the fast path's escalated draft, or null
     * @param trace        receives the trace as it is written (thinking, drafts, verdicts)
     */
    public LoopOutcome run(String question, List<ChatTurn> conversation, Escalation escalation, LoopSettings settings,
                           Consumer<String> trace, CancellationToken cancel) {
        long start = System.nanoTime();
        CancellationToken budget = cancel.child(start + settings.maxTime().toNanos());
        StringBuilder log = new StringBuilder();
        Consumer<String> out = s -> {
            log.append(s);
            trace.accept(s);
        };
        List<Candidate> candidates = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        int[] tokens = new int[2]; // prompt, completion
        long[] firstToken = {-1};
        String stop = "rounds";
        Draft previous = null;
        Verdict previousVerdict = null;
        int rounds = 0;

        if (escalation != null && escalation.draft() != null && !escalation.draft().isBlank()) {
            Draft given = Draft.given(escalation.draft());
            out.accept(String.format(Locale.ROOT, "Round 0: the fast path's draft (confidence %.3f): %s%n",
                    escalation.confidence(), given.answer()));
            try {
                Verdict v = verifier.verify(question, given.answer(), budget);
                count(tokens, v);
                scores.add(v.score());
                candidates.add(new Candidate(given, v.score(), 0));
                out.accept(verdictLine(0, v, settings));
                if (v.score() >= settings.acceptThreshold()) {
                    return outcome(candidates, scores, settings, 0, "accepted", log, tokens, firstToken[0]);
                }
                previous = given;
                previousVerdict = v;
            } catch (RuntimeException e) {
                candidates.add(new Candidate(given, null, 0));
                scores.add(null);
                out.accept("Round 0: the critic failed (" + e.getMessage() + ")\n");
                return outcome(candidates, scores, settings, 0, "critic_failed", log, tokens, firstToken[0]);
            }
        }

        for (int round = 1; round <= settings.maxRounds(); round++) {
            if (budget.isCancelled()) {
                stop = cancel.isCancelled() ? "cancelled" : "time";
                break;
            }
            if (tokens[1] >= settings.maxTokens()) {
                stop = "tokens";
                break;
            }
            rounds = round;
            out.accept(round == 1 ? "Round 1: drafting\n" : "\nRound " + round + ": refining\n");
            List<Draft> drafts = drafts(conversation, previous, previousVerdict, round, settings.samples(), out, budget,
                    start, firstToken);
            for (Draft d : drafts) {
                tokens[0] += d.promptTokens();
                tokens[1] += d.completionTokens();
            }
            Draft pick = vote(drafts, out);
            out.accept("\nDraft answer: " + (pick.hasAnswer() ? pick.answer() : "(none: the reply ended before an answer)") + "\n");
            if (budget.isCancelled() && !pick.hasAnswer()) {
                candidates.add(new Candidate(pick, null, round));
                scores.add(null);
                stop = cancel.isCancelled() ? "cancelled" : "time";
                break;
            }
            Verdict v;
            if (!pick.hasAnswer()) {
                // no answer to judge: it scores nothing, and the learner is told why
                v = new Verdict(0, "the reply ran out before giving a final answer; be brief and finish with the answer", 0, 0);
            } else {
                try {
                    v = verifier.verify(question, pick.answer(), budget);
                } catch (RuntimeException e) {
                    candidates.add(new Candidate(pick, null, round));
                    scores.add(null);
                    out.accept("Critic failed (" + e.getMessage() + "): stopping with the best draft so far\n");
                    stop = "critic_failed";
                    break;
                }
            }
            count(tokens, v);
            scores.add(v.score());
            candidates.add(new Candidate(pick, v.score(), round));
            out.accept(verdictLine(round, v, settings));
            if (v.score() >= settings.acceptThreshold()) {
                stop = "accepted";
                break;
            }
            previous = pick;
            previousVerdict = v;
        }
        return outcome(candidates, scores, settings, rounds, stop, log, tokens, firstToken[0]);
    }

    /** The round's drafts: the first streams into the trace as it is made, the other samples run beside it. */
    private List<Draft> drafts(List<ChatTurn> conversation, Draft previous, Verdict verdict, int round, int samples,
                               Consumer<String> out, CancellationToken cancel, long start, long[] firstToken) {
        DraftListener live = new DraftListener() {
            private boolean answering;

            @Override
            public void thinking(String delta) {
                first();
                out.accept(delta);
            }

            @Override
            public void answer(String delta) {
                first();
                if (!answering) {
                    answering = true;
                    out.accept("\n");
                }
            }

            private void first() {
                if (firstToken[0] < 0) {
                    firstToken[0] = System.nanoTime() - start;
                }
            }
        };
        List<CompletableFuture<Draft>> others = new ArrayList<>();
        for (int s = 1; s < samples; s++) {
            DraftRequest r = new DraftRequest(conversation, previous, verdict, round, s);
            others.add(CompletableFuture.supplyAsync(() -> learner.draft(r, DraftListener.NONE, cancel), samplers));
        }
        List<Draft> drafts = new ArrayList<>();
        drafts.add(learner.draft(new DraftRequest(conversation, previous, verdict, round, 0), live, cancel));
        for (CompletableFuture<Draft> f : others) {
            try {
                drafts.add(f.join());
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
        }
        return drafts;
    }

    /** The majority answer of a round's drafts (ties: the earliest sample); one draft is its own majority. */
    private static Draft vote(List<Draft> drafts, Consumer<String> out) {
        if (drafts.size() == 1) {
            return drafts.getFirst();
        }
        Map<String, List<Draft>> groups = new LinkedHashMap<>();
        for (Draft d : drafts) {
            if (d.hasAnswer()) {
                groups.computeIfAbsent(AnswerKey.of(d.answer()), k -> new ArrayList<>()).add(d);
            }
        }
        StringBuilder tally = new StringBuilder("\nSelf-consistency over " + drafts.size() + " samples:");
        List<Draft> best = null;
        for (var e : groups.entrySet()) {
            tally.append(" [").append(e.getKey()).append("] x").append(e.getValue().size());
            if (best == null || e.getValue().size() > best.size()) {
                best = e.getValue();
            }
        }
        out.accept(tally.append('\n').toString());
        return best == null ? drafts.getFirst() : best.getFirst();
    }

    private static void count(int[] tokens, Verdict v) {
        tokens[0] += v.promptTokens();
        tokens[1] += v.completionTokens();
    }

    private static String verdictLine(int round, Verdict v, LoopSettings settings) {
        boolean accepted = v.score() >= settings.acceptThreshold();
        return String.format(Locale.ROOT, "Critic, round %d: score %.3f, %s (threshold %.2f)%s%n", round, v.score(),
                accepted ? "accepted" : "rejected", settings.acceptThreshold(),
                v.critique().isEmpty() ? "" : ": " + v.critique());
    }

    /** The best-scored candidate (the earliest on a tie); unscored ones only when none was scored. */
    private LoopOutcome outcome(List<Candidate> candidates, List<Double> scores, LoopSettings settings, int rounds,
                                String stop, StringBuilder log, int[] tokens, long firstToken) {
        Candidate chosen = null;
        for (Candidate c : candidates) {
            if (c.score() != null && (chosen == null || chosen.score() == null || c.score() > chosen.score())) {
                chosen = c;
            }
        }
        if (chosen == null) {
            for (Candidate c : candidates) {
                if (c.draft().hasAnswer()) {
                    chosen = c;
                    break;
                }
            }
        }
        if (chosen == null) {
            chosen = candidates.isEmpty() ? new Candidate(Draft.given(""), null, 0) : candidates.getFirst();
        }
        boolean accepted = chosen.score() != null && chosen.score() >= settings.acceptThreshold();
        VerificationReport report = new VerificationReport(rounds, accepted, chosen.round(),
                Collections.unmodifiableList(new ArrayList<>(scores)), settings.acceptThreshold(), settings.samples(),
                verifier.name(), stop);
        return new LoopOutcome(chosen.draft(), report, log.toString(), tokens[0], tokens[1], firstToken);
    }
}
