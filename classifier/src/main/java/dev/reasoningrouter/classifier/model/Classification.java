package dev.reasoningrouter.classifier.model;

import dev.reasoningrouter.contracts.RouteDecision;

/**
 * One query's verdict, with how the text was read.
 *
 * @param tokens    word pieces in the text
 * @param windows   encoder windows embedded (2 = head and tail of a long text)
 * @param truncated true when the middle of a very long text was not read
 */
public record Classification(
        String route,
        double score,
        double threshold,
        String taskType,
        double taskProbability,
        String modelVersion,
        double latencyMs,
        int tokens,
        int windows,
        boolean truncated) {

    public RouteDecision toDecision() {
        return new RouteDecision(route, score, threshold, taskType, taskProbability, modelVersion, latencyMs);
    }
}
