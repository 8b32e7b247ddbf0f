package dev.reasoningrouter.gateway.routing;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code rr.routing.*}.
 *
 * @param classifierUrl      the classifier service ({@code RR_CLASSIFIER_URL})
 * @param heuristicThreshold the threshold of the local heuristic when the classifier is unavailable and the request
 *                           brings none
 * @param escalation         re-ask the reasoning route when the fast path answers an {@code auto} request (not
 *                           streamed) with an escalate hint
 */
@ConfigurationProperties("rr.routing")
public record RoutingProperties(String classifierUrl, double heuristicThreshold, boolean escalation) {
    public RoutingProperties {
        if (classifierUrl == null || classifierUrl.isBlank()) {
            throw new IllegalArgumentException("rr.routing.classifier-url is required");
        }
        if (!(heuristicThreshold >= 0 && heuristicThreshold <= 1)) {
            throw new IllegalArgumentException("rr.routing.heuristic-threshold must be in [0, 1], got " + heuristicThreshold);
        }
    }
}
