package dev.reasoningrouter.contracts;

/**
 * The classifier's verdict on one query.
 *
 * @param route        {@link #FAST} or {@link #REASONING}
 * @param score        probability-like complexity score in [0,1]; at or above threshold means reasoning
 * @param threshold    the threshold that produced the route
 * @param taskType     coarse task type (math, code, logic, knowledge, writing, chat, other)
 * @param taskProbability the task type's probability
 * @param modelVersion the classifier artifact that decided
 * @param latencyMs    time taken to classify
 */
public record RouteDecision(
        String route,
        double score,
        double threshold,
        String taskType,
        double taskProbability,
        String modelVersion,
        double latencyMs) {
    public static final String FAST = "fast";
    public static final String REASONING = "reasoning";
}
