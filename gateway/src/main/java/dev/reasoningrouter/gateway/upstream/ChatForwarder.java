package dev.reasoningrouter.gateway.upstream;

import dev.reasoningrouter.gateway.errors.OpenAiErrorHandler;
import dev.reasoningrouter.gateway.metrics.GatewayMetrics;
import dev.reasoningrouter.gateway.resilience.DownstreamStatusException;
import dev.reasoningrouter.gateway.resilience.Downstreams;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends a chat completion to the upstream of a route through that upstream's guard, and when the upstream fails
 * before the client has seen a byte (refused connection after the safe retry, open circuit, full bulkhead, timeout,
 * 5xx) lets the route's fallback route answer instead, marked degraded. Once a stream has begun nothing is re-sent.
 */
public final class ChatForwarder {
    private static final Logger log = LoggerFactory.getLogger(ChatForwarder.class);
    /** Keys of the {@code rr} request extension that are the gateway's own, never sent upstream. */
    private static final List<String> GATEWAY_KEYS = List.of("threshold", "escalate");

    /** A whole answer and who gave it. */
    public record Answer(UpstreamReply reply, Answering answering) {}

    private final UpstreamRegistry registry;
    private final UpstreamClient client;
    private final Downstreams downstreams;
    private final GatewayMetrics metrics;
    private final JsonMapper json;

    public ChatForwarder(UpstreamRegistry registry, UpstreamClient client, Downstreams downstreams, GatewayMetrics metrics,
                         JsonMapper json) {
        this.registry = registry;
        this.client = client;
        this.downstreams = downstreams;
        this.metrics = metrics;
        this.json = json;
    }

    /** A whole answer from {@code route}'s upstream, or its fallback's when {@code mayDegrade}. */
    public Mono<Answer> complete(ObjectNode body, String route, boolean mayDegrade, String requestId) {
        UpstreamRegistry.RouteTarget target = registry.route(route);
        return complete(body, target.route(), target.upstream(), requestId)
                .onErrorResume(e -> mayDegrade && target.fallback() != null && fallbackWorthy(e), e -> {
                    UpstreamRegistry.RouteTarget fb = registry.route(target.fallback());
                    String reason = unavailable(target, e);
                    log.info("request {}: {}; answering from the {} route", requestId, reason, fb.route());
                    return complete(body, fb.route(), fb.upstream(), requestId)
                            .map(a -> new Answer(a.reply(), new Answering(fb.route(), fb.upstream(), true, reason)));
                });
    }

    /** A whole answer from one upstream, no fallback (a request that named the upstream, or an escalation). */
    public Mono<Answer> complete(ObjectNode body, String route, Upstream upstream, String requestId) {
        long start = System.nanoTime();
        return downstreams.guard(upstream.name()).call(Mono.defer(() -> client.complete(upstream, bodyFor(body, upstream), requestId)))
                .doOnSuccess(r -> metrics.downstream(upstream.name(), "http_" + r.status(), System.nanoTime() - start))
                .doOnError(e -> metrics.downstream(upstream.name(), Downstreams.outcome(e), System.nanoTime() - start))
                .map(r -> new Answer(r, new Answering(route, upstream, false, null)));
    }

    /** A streamed answer from {@code route}'s upstream, or its fallback's when {@code mayDegrade} and nothing has come yet. */
    public Flux<StreamSignal> stream(ObjectNode body, String route, boolean mayDegrade, String requestId) {
        UpstreamRegistry.RouteTarget target = registry.route(route);
        AtomicBoolean answered = new AtomicBoolean();
        return stream(body, target.route(), target.upstream(), requestId)
                .doOnNext(s -> {
                    if (s instanceof StreamSignal.Head) {
                        answered.set(true);
                    }
                })
                .onErrorResume(e -> mayDegrade && !answered.get() && target.fallback() != null && fallbackWorthy(e), e -> {
                    UpstreamRegistry.RouteTarget fb = registry.route(target.fallback());
                    String reason = unavailable(target, e);
                    log.info("request {}: {}; streaming from the {} route", requestId, reason, fb.route());
                    return stream(body, fb.route(), fb.upstream(), requestId).map(s -> s instanceof StreamSignal.Routed
                            ? new StreamSignal.Routed(new Answering(fb.route(), fb.upstream(), true, reason)) : s);
                });
    }

    /** A streamed answer from one upstream, no fallback. */
    public Flux<StreamSignal> stream(ObjectNode body, String route, Upstream upstream, String requestId) {
        long start = System.nanoTime();
        Flux<StreamSignal> call = Flux.defer(() -> client.stream(upstream, bodyFor(body, upstream), requestId))
                .doOnNext(s -> {
                    if (s instanceof StreamSignal.Head h) {
                        metrics.downstream(upstream.name(), "http_" + h.status(), System.nanoTime() - start);
                    }
                });
        return Flux.concat(Mono.just(new StreamSignal.Routed(new Answering(route, upstream, false, null))),
                downstreams.guard(upstream.name()).stream(call)
                        .doOnError(e -> metrics.downstream(upstream.name(), Downstreams.outcome(e), System.nanoTime() - start)));
    }

    /**
     * The body an upstream is sent: the client's, with {@code model} set to the upstream's model and the {@code rr}
     * extension trimmed to what the upstream understands (a path service: all but the gateway's own keys; any other
     * upstream: nothing).
     */
    public byte[] bodyFor(ObjectNode clientBody, Upstream upstream) {
        ObjectNode body = clientBody.deepCopy();
        body.put("model", upstream.model());
        JsonNode rr = body.get("rr");
        if (rr instanceof ObjectNode ext && upstream.kind() == Upstream.Kind.PATH) {
            GATEWAY_KEYS.forEach(ext::remove);
            if (ext.isEmpty()) {
                body.remove("rr");
            }
        } else {
            body.remove("rr");
        }
        return json.writeValueAsBytes(body);
    }

    /** Failures that say the upstream is unavailable (as opposed to a client's bad request, which passes through). */
    static boolean fallbackWorthy(Throwable e) {
        return e instanceof DownstreamStatusException || e instanceof CallNotPermittedException || e instanceof BulkheadFullException
                || e instanceof TimeoutException || Downstreams.isConnectionRefused(e)
                || e instanceof org.springframework.web.reactive.function.client.WebClientRequestException
                || OpenAiErrorHandler.hasCause(e, java.io.IOException.class);
    }

    private static String unavailable(UpstreamRegistry.RouteTarget target, Throwable e) {
        return "the " + target.route() + " route's upstream '" + target.upstream().name() + "' is unavailable: " + Downstreams.describe(e);
    }

}
