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
 * @param source       who decided: {@link #SOURCE_CLASSIFIER}, {@link #SOURCE_FORCED} (the request named its route,
 *                     nothing was classified) or {@link #SOURCE_HEURISTIC} (the classifier was unreachable)
 */
public record RouteDecision(
        String route,
        double score,
        double threshold,
        String taskType,
        double taskProbability,
        String modelVersion,
        double latencyMs,
        String source) {
    public static final String FAST = "fast";
    public static final String REASONING = "reasoning";
    public static final String SOURCE_CLASSIFIER = "classifier";
    public static final String SOURCE_FORCED = "forced";
    public static final String SOURCE_HEURISTIC = "heuristic";

    /** A decision the classifier made. */
    public RouteDecision(String route, double score, double threshold, String taskType, double taskProbability,
                         String modelVersion, double latencyMs) {
        this(route, score, threshold, taskType, taskProbability, modelVersion, latencyMs, SOURCE_CLASSIFIER);
    }
}
