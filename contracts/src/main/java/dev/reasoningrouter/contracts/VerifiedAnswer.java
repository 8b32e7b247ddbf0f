package dev.reasoningrouter.contracts;

import java.util.List;

/**
 * An answer the reasoning path's critic accepted, on {@code rr.verified}: the learner/critic data loop, so verified
 * answers can feed fine-tuning. Keyed by request id.
 *
 * @param source      "http" or "kafka"
 * @param messages    the conversation that was answered
 * @param answer      the accepted answer
 * @param reasoning   the thinking that led to it (may be empty)
 * @param score       the critic's score of the accepted answer, in [0, 1]
 * @param threshold   the accept threshold it passed
 * @param rounds      drafts made before it was accepted
 * @param chosenRound the round (1-based) that produced it
 * @param roundScores the critic's score of every draft, in order
 * @param verifier    which critic scored it
 * @param expertsPerToken routed experts per token of the learner
 */
public record VerifiedAnswer(
        String requestId,
        String source,
        String model,
        List<ChatMessage> messages,
        String answer,
        String reasoning,
        double score,
        double threshold,
        int rounds,
        int chosenRound,
        List<Double> roundScores,
        String verifier,
        int expertsPerToken,
        long atMs) {}
