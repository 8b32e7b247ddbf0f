package dev.reasoningrouter.pathserving.core;

import java.util.List;

/**
 * What the reasoning path's verification loop did for one answer.
 *
 * @param rounds      drafts made (an escalated draft scored first counts as round 0 and is not in this number)
 * @param accepted    whether the chosen draft reached the accept threshold
 * @param chosenRound the round whose draft was returned (0 = the escalated draft)
 * @param scores      the critic's score of each draft in order (null where the critic failed)
 * @param threshold   the accept threshold
 * @param samples     self-consistency samples per round
 * @param verifier    which critic scored the drafts
 * @param stopReason  why the loop ended: "accepted", "rounds", "tokens", "time", "critic_failed", "cancelled"
 */
public record VerificationReport(int rounds, boolean accepted, int chosenRound, List<Double> scores, double threshold,
                                 int samples, String verifier, String stopReason) {}
