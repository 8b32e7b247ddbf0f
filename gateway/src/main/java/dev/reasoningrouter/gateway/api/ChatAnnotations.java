package dev.reasoningrouter.gateway.api;

import dev.reasoningrouter.contracts.RouteDecision;
import dev.reasoningrouter.gateway.routing.Escalation;
import dev.reasoningrouter.gateway.routing.RoutePlan;
import dev.reasoningrouter.gateway.upstream.Answering;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What every chat completion answer says about how it was routed: {@code X-RR-*} headers and the fields the gateway
 * adds to the answer's {@code rr} extension object (next to the path's own: experts, confidence, verification…).
 *
 * @param requestedModel the model the client asked for
 * @param plan           the route the gateway planned and why
 * @param answering      who answered, and whether that is a degraded answer
 * @param escalation     what became of a fast answer's escalate hint, or null when there was none
 */
public record ChatAnnotations(String requestedModel, RoutePlan plan, Answering answering, Escalation.Report escalation) {
    public static final String ROUTE = "X-RR-Route";
    public static final String ROUTE_SOURCE = "X-RR-Route-Source";
    public static final String SCORE = "X-RR-Complexity-Score";
    public static final String DEGRADED = "X-RR-Degraded";
    public static final String ESCALATED = "X-RR-Escalated";
    public static final String REQUESTED_MODEL = "X-RR-Requested-Model";
    public static final String UPSTREAM = "X-RR-Upstream";

    public boolean degraded() {
        return answering.degraded();
    }

    public boolean escalated() {
        return escalation != null && escalation.escalated();
    }

    public void writeHeaders(HttpHeaders h) {
        h.set(ROUTE, answering.route());
        h.set(ROUTE_SOURCE, plan.source());
        RouteDecision d = plan.decision();
        if (d != null) {
            h.set(SCORE, String.format(Locale.ROOT, "%.4f", d.score()));
        }
        h.set(DEGRADED, Boolean.toString(degraded()));
        h.set(ESCALATED, Boolean.toString(escalated()));
        h.set(REQUESTED_MODEL, requestedModel);
        h.set(UPSTREAM, answering.upstream().name());
    }

    /** The gateway's fields of the {@code rr} object, in a stable order. */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("route", answering.route());
        m.put("route_source", plan.source());
        m.put("planned_route", plan.route());
        RouteDecision d = plan.decision();
        if (d != null) {
            m.put("score", d.score());
            m.put("threshold", d.threshold());
            if (d.taskType() != null) {
                m.put("task_type", d.taskType());
            }
            if (d.modelVersion() != null) {
                m.put("classifier_version", d.modelVersion());
            }
        }
        if (plan.note() != null) {
            m.put("routing_note", plan.note());
        }
        m.put("routing_ms", Math.round(plan.routingNanos() / 1e4) / 100.0);
        m.put("requested_model", requestedModel);
        m.put("upstream", answering.upstream().name());
        m.put("degraded", degraded());
        if (degraded()) {
            m.put("degraded_reason", answering.degradedReason());
        }
        m.put("escalated", escalated());
        if (escalation != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("from", "fast");
            e.put("reason", escalation.reason());
            e.put("confidence", escalation.confidence());
            if (escalation.error() != null) {
                e.put("error", escalation.error());
            }
            m.put("escalation", e);
        }
        return m;
    }

    /** Adds the gateway's fields to {@code body}'s {@code rr} object (made when the upstream sent none). */
    public void annotate(ObjectNode body, JsonMapper json) {
        ObjectNode rr = body.get("rr") instanceof ObjectNode existing ? existing : body.putObject("rr");
        fields().forEach((k, v) -> rr.set(k, json.valueToTree(v)));
    }
}
