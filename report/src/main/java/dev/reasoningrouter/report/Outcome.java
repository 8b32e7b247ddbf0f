package dev.reasoningrouter.report;

import dev.reasoningrouter.trainer.tasks.AnswerChecker;

/**
 * What one query got on one route: the HTTP outcome, how the platform routed it, what it cost and whether the answer
 * is the known one.
 *
 * @param route                  the report's route ({@link Route#name()})
 * @param status                 the HTTP status (0: no response)
 * @param error                  why there is no answer (a non-200 status, a transport failure, a body without a
 *                               message), else null
 * @param latencyNanos           request sent to whole body received
 * @param answeredBy             the route that answered ({@code rr.route} / {@code X-RR-Route}: fast or reasoning)
 * @param routeSource            who decided ({@code classifier}, {@code heuristic}, {@code forced}, ...)
 * @param escalated              a fast answer was replaced by the reasoning route's
 * @param degraded               the fast route answered because the reasoning route was unavailable
 * @param content                the answer's {@code message.content}
 * @param promptTokens           {@code usage.prompt_tokens} (every prompt the answer took: drafts and critiques)
 * @param completionTokens       {@code usage.completion_tokens}
 * @param reasoningTokens        {@code usage.completion_tokens_details.reasoning_tokens}
 * @param activeParamsPerToken   {@code rr.active_params_per_token} of the path that answered
 * @param verificationRounds     {@code rr.verification.rounds}, or -1 when the answer had no verification
 * @param verifier               {@code rr.verification.verifier}: the critic that scored the drafts, else null
 * @param extractedAnswer        the answer part of the content, as the trainer's checker reads it
 * @param correct                the extracted answer equals the query's answer
 */
public record Outcome(Query query, String route, int status, String error, long latencyNanos, String answeredBy,
                      String routeSource, boolean escalated, boolean degraded, String content, int promptTokens,
                      int completionTokens, int reasoningTokens, long activeParamsPerToken, int verificationRounds,
                      String verifier, String extractedAnswer, boolean correct) {

    /** A response with a message: the answer is extracted and checked with the trainer's {@link AnswerChecker}. */
    public static Outcome answered(Query query, String route, int status, long latencyNanos, String answeredBy,
                                   String routeSource, boolean escalated, boolean degraded, String content,
                                   int promptTokens, int completionTokens, int reasoningTokens, long activeParamsPerToken,
                                   int verificationRounds, String verifier) {
        // the paths send the chosen answer as content and the thinking apart (reasoning_content); a content that still
        // holds a thinking block is read after its close, as the trainer's eval reads a direct reply
        String extracted = AnswerChecker.finalAnswer(content, false);
        return new Outcome(query, route, status, null, latencyNanos, answeredBy, routeSource, escalated, degraded, content,
                promptTokens, completionTokens, reasoningTokens, activeParamsPerToken, verificationRounds, verifier, extracted,
                AnswerChecker.matches(query.answer(), extracted));
    }

    /** No answer: counted as wrong. */
    public static Outcome failed(Query query, String route, int status, long latencyNanos, String error) {
        return new Outcome(query, route, status, error, latencyNanos, null, null, false, false, null, 0, 0, 0, 0, -1, null,
                null, false);
    }

    public boolean ok() {
        return error == null;
    }

    /** Active parameters × tokens this response reports (prompt and completion: prefill costs per token too). */
    public double activeParamTokens() {
        return (double) activeParamsPerToken * (promptTokens + completionTokens);
    }
}
