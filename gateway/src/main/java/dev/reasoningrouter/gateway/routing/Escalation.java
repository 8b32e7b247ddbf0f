package dev.reasoningrouter.gateway.routing;

import dev.reasoningrouter.gateway.api.ChatCall;
import dev.reasoningrouter.gateway.upstream.UpstreamRegistry;
import dev.reasoningrouter.gateway.upstream.UpstreamReply;
import tools.jackson.databind.JsonNode;

/**
 * When the gateway re-asks the reasoning route: the fast route answered an {@code auto} request (not streamed, not
 * degraded) and said it is not confident ({@code rr.escalate.suggested} in its body or {@code X-RR-Escalate: true}),
 * escalation is on ({@code rr.routing.escalation}) and the request did not turn it off ({@code rr.escalate: false}).
 */
public final class Escalation {
    public static final String HINT_HEADER = "X-RR-Escalate";

    /**
     * What happened to an answer's escalate hint.
     *
     * @param escalated  true when the reasoning route's answer replaced the fast one
     * @param reason     the fast path's reason for its hint
     * @param confidence the fast path's confidence in its answer, when it said
     * @param error      why the reasoning route could not answer (the fast answer stands), else null
     */
    public record Report(boolean escalated, String reason, Double confidence, String error) {}

    private final boolean enabled;

    public Escalation(boolean enabled) {
        this.enabled = enabled;
    }

    /** The fast answer's hint when the gateway should act on it, else null. */
    public Report hint(ChatCall call, RoutePlan plan, String answeringRoute, boolean degraded, UpstreamReply reply, JsonNode body) {
        if (!enabled || !call.escalate() || call.stream() || !plan.automatic() || degraded || !reply.ok()
                || !UpstreamRegistry.FAST.equals(answeringRoute)) {
            return null;
        }
        JsonNode escalate = body == null ? null : body.path("rr").path("escalate");
        boolean suggested = "true".equalsIgnoreCase(reply.headers().getFirst(HINT_HEADER))
                || escalate != null && escalate.path("suggested").asBoolean(false);
        if (!suggested) {
            return null;
        }
        JsonNode confidence = body == null ? null : body.path("rr").path("confidence");
        return new Report(false, escalate == null ? null : escalate.path("reason").asString(null),
                confidence != null && confidence.isNumber() ? confidence.asDouble() : null, null);
    }
}
