package dev.reasoningrouter.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's own meters (Prometheus names in brackets):
 * <ul>
 *   <li>{@code rr.gateway.requests} [{@code rr_gateway_requests_total}]: chat completions by route, status, route
 *       source, degraded, escalated and stream;</li>
 *   <li>{@code rr.gateway.routing} [{@code rr_gateway_routing_seconds}]: the routing overhead (deciding the route,
 *       the classifier call included), by route source;</li>
 *   <li>{@code rr.gateway.downstream} [{@code rr_gateway_downstream_seconds}]: each downstream call's latency to its
 *       answer (streams: to their head), by downstream and outcome;</li>
 *   <li>{@code rr.gateway.rejections} [{@code rr_gateway_rejections_total}]: requests refused by a limit or by
 *       authentication, by reason;</li>
 *   <li>{@code rr.gateway.escalations} and {@code rr.gateway.stream.breaks}.</li>
 * </ul>
 * Circuit states are Resilience4j's ({@code resilience4j_circuitbreaker_state}); batch progress is in
 * {@code gateway.batch}.
 */
public final class GatewayMetrics {
    private final MeterRegistry registry;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void request(String route, int status, String source, boolean degraded, boolean escalated, boolean stream) {
        Counter.builder("rr.gateway.requests")
                .description("chat completions answered, by route and status")
                .tag("route", route)
                .tag("status", Integer.toString(status))
                .tag("source", source)
                .tag("degraded", Boolean.toString(degraded))
                .tag("escalated", Boolean.toString(escalated))
                .tag("stream", Boolean.toString(stream))
                .register(registry)
                .increment();
    }

    public void routing(String source, long nanos) {
        Timer.builder("rr.gateway.routing")
                .description("time the gateway spent deciding a route, classifier call included")
                .tag("source", source)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    public void downstream(String downstream, String outcome, long nanos) {
        Timer.builder("rr.gateway.downstream")
                .description("latency of a downstream call to its answer (a stream: to its head)")
                .tag("downstream", downstream)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    public void rejection(String reason) {
        Counter.builder("rr.gateway.rejections")
                .description("requests refused by authentication or a limit")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    public void escalation(String outcome) {
        Counter.builder("rr.gateway.escalations")
                .description("fast answers with an escalate hint that the gateway re-asked the reasoning route for")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    public void streamBreak(String upstream) {
        Counter.builder("rr.gateway.stream.breaks")
                .description("streams that broke off after their head; the client got an error event")
                .tag("upstream", upstream)
                .register(registry)
                .increment();
    }
}
