package dev.reasoningrouter.report;

import java.util.Map;

/**
 * One route's figures over the query set.
 *
 * @param route                    the route's name
 * @param model                    the {@code model} the requests named
 * @param description              what the route is
 * @param queries                  queries sent
 * @param answered                 queries with an answer (HTTP 200 and a message)
 * @param errors                   queries without one (counted wrong)
 * @param answeredBy               answers per route that gave them ({@code fast}, {@code reasoning}; for {@code auto}
 *                                 the share of traffic each path took)
 * @param escalated                answers the gateway re-asked on the reasoning route after an unsure fast answer
 * @param degraded                 answers the fast route gave because the reasoning route was unavailable
 * @param accuracy                 all queries
 * @param byLevel                  per difficulty level
 * @param byKind                   per kind of task
 * @param activeParamsPerToken     active parameters per token, token-weighted over the answers (what the answering
 *                                 path reports in {@code rr.active_params_per_token})
 * @param activeParamTokensPerAnswer mean active parameters × tokens (prompt + completion) per answer: the compute an
 *                                 answer took; for escalated answers plus the fast draft that came first
 * @param escalationDraftParamTokensPerAnswer the part of the above spent on fast drafts that were escalated (taken
 *                                 from the fast route's answer to the same query; 0 when none or not measured)
 * @param escalationDraftsMeasured whether that part could be taken from a fast run of the same queries
 * @param meanPromptTokens         per answer
 * @param meanCompletionTokens     per answer
 * @param meanReasoningTokens      per answer (thinking, drafts and critiques that are not the answer)
 * @param verifiedAnswers          answers that carried a verification report
 * @param meanVerificationRounds   rounds per verified answer (NaN when none)
 * @param verifiers                verified answers per critic that scored them ({@code model-critic}, {@code re-solve})
 * @param latencyP50Ms             over the answers
 * @param latencyP99Ms             over the answers (nearest rank)
 * @param latencyMeanMs            over the answers
 * @param wallSeconds              the route's run, first request to last answer
 */
public record RouteSummary(String route, String model, String description, int queries, int answered, int errors,
                           Map<String, Integer> answeredBy, int escalated, int degraded, Accuracy accuracy,
                           Map<Integer, Accuracy> byLevel, Map<String, Accuracy> byKind, double activeParamsPerToken,
                           double activeParamTokensPerAnswer, double escalationDraftParamTokensPerAnswer,
                           boolean escalationDraftsMeasured, double meanPromptTokens, double meanCompletionTokens,
                           double meanReasoningTokens, int verifiedAnswers, double meanVerificationRounds,
                           Map<String, Integer> verifiers, double latencyP50Ms, double latencyP99Ms, double latencyMeanMs, double wallSeconds) {

    /** Answers per second over the route's run. */
    public double answersPerSecond() {
        return wallSeconds > 0 ? answered / wallSeconds : Double.NaN;
    }

    /** The share of the answers the named path gave (0 when none). */
    public double share(String path) {
        return answered == 0 ? 0 : (double) answeredBy.getOrDefault(path, 0) / answered;
    }
}
