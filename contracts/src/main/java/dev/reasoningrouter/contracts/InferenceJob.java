package dev.reasoningrouter.contracts;

/**
 * A request with its routing decision, as it travels on {@code rr.jobs.fast} and
 * {@code rr.jobs.reasoning}. {@code escalatedFrom} names the path that handed it on (a cascade), else null.
 */
public record InferenceJob(InferenceRequest request, RouteDecision decision, String escalatedFrom) {}
