package dev.reasoningrouter.gateway.routing;

import dev.reasoningrouter.contracts.RouteDecision;

/**
 * Where a chat completion goes and why (exchange attribute {@link #ATTRIBUTE}).
 *
 * @param route        {@code fast}, {@code reasoning}, or an upstream's name for a direct request
 * @param source       {@code classifier}, {@code heuristic} (the classifier was down, slow or declined), {@code forced}
 *                     (the client named the route), {@code direct} (the client named an upstream) or {@code default}
 *                     (nothing to classify)
 * @param decision     the classifier's or the heuristic's decision, with its score, threshold and task type; null when
 *                     nothing was scored (forced, direct, default)
 * @param note         why the classifier was not used, when it was not; else null
 * @param routingNanos time spent deciding (classifier call included)
 */
public record RoutePlan(String route, String source, RouteDecision decision, String note, long routingNanos) {
    public static final String ATTRIBUTE = "rr.routePlan";
    public static final String SOURCE_DIRECT = "direct";
    public static final String SOURCE_DEFAULT = "default";

    /** True when the gateway chose the route itself (so it may escalate or degrade the answer). */
    public boolean automatic() {
        return RouteDecision.SOURCE_CLASSIFIER.equals(source) || RouteDecision.SOURCE_HEURISTIC.equals(source)
                || SOURCE_DEFAULT.equals(source);
    }
}
