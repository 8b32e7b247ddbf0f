package dev.reasoningrouter.contracts;

/**
 * A request with its routing decision, as it travels on {@code rr.jobs.fast} and {@code rr.jobs.reasoning}.
 * {@code escalatedFrom} names the path that handed it on (a cascade), else null; {@code escalation} then says
 * why and carries that path's draft.
 */
public record InferenceJob(InferenceRequest request, RouteDecision decision, String escalatedFrom, Escalation escalation) {

    /** A job straight from the routing stage (no escalation). */
    public InferenceJob(InferenceRequest request, RouteDecision decision, String escalatedFrom) {
        this(request, decision, escalatedFrom, null);
    }
}
