package dev.reasoningrouter.gateway.upstream;

/**
 * Who answers a chat completion.
 *
 * @param route          the route that answers ({@code fast}, {@code reasoning}, or the upstream's name for a direct request)
 * @param upstream       the upstream that answers
 * @param degraded       true when the planned route's upstream was unavailable and its fallback route answers instead
 * @param degradedReason why, when degraded
 */
public record Answering(String route, Upstream upstream, boolean degraded, String degradedReason) {}
