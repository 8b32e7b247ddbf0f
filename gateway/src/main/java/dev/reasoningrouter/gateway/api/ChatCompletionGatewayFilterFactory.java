package dev.reasoningrouter.gateway.api;

import dev.reasoningrouter.gateway.auth.TokenUsage;
import dev.reasoningrouter.gateway.metrics.GatewayMetrics;
import dev.reasoningrouter.gateway.routing.Escalation;
import dev.reasoningrouter.gateway.routing.RoutePlan;
import dev.reasoningrouter.gateway.upstream.ChatForwarder;
import dev.reasoningrouter.gateway.upstream.StreamSignal;
import dev.reasoningrouter.gateway.upstream.UpstreamRegistry;
import dev.reasoningrouter.gateway.upstream.UpstreamReply;
import dev.reasoningrouter.gateway.resilience.DownstreamStatusException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ChatCompletion}: the end of the chat completions route. Forwards the {@link ChatCall} along its
 * {@link RoutePlan} (a degraded answer from the fallback route when the planned upstream is unavailable), re-asks the
 * reasoning route when a fast answer carries an escalate hint, and writes the answer with the gateway's headers and
 * {@code rr} fields: JSON as a whole, a stream event by event as it arrives.
 */
public class ChatCompletionGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {
    private static final Logger log = LoggerFactory.getLogger(ChatCompletionGatewayFilterFactory.class);

    private final ChatForwarder forwarder;
    private final Escalation escalation;
    private final GatewayMetrics metrics;
    private final JsonMapper json;

    public ChatCompletionGatewayFilterFactory(ChatForwarder forwarder, Escalation escalation, GatewayMetrics metrics, JsonMapper json) {
        super(Object.class);
        this.forwarder = forwarder;
        this.escalation = escalation;
        this.metrics = metrics;
        this.json = json;
    }

    @Override
    public GatewayFilter apply(Object config) {
        return (exchange, chain) -> {
            ChatCall call = exchange.getRequiredAttribute(ChatCall.ATTRIBUTE);
            RoutePlan plan = exchange.getRequiredAttribute(RoutePlan.ATTRIBUTE);
            return call.stream() ? stream(exchange, call, plan) : complete(exchange, call, plan);
        };
    }

    private Mono<Void> complete(ServerWebExchange exchange, ChatCall call, RoutePlan plan) {
        String requestId = RequestIds.of(exchange);
        Mono<ChatForwarder.Answer> answer = call.target() instanceof ModelCatalog.Target.Direct d
                ? forwarder.complete(call.body(), d.upstream().name(), d.upstream(), requestId)
                : forwarder.complete(call.body(), plan.route(), true, requestId);
        return answer
                .flatMap(a -> {
                    JsonNode body = parse(a.reply());
                    Escalation.Report hint = escalation.hint(call, plan, a.answering().route(), a.answering().degraded(), a.reply(), body);
                    if (hint == null) {
                        return write(exchange, call, new ChatAnnotations(call.requestedModel(), plan, a.answering(), null), a.reply(), body, 0);
                    }
                    return escalate(exchange, call, plan, a, body, hint);
                })
                .onErrorResume(DownstreamStatusException.class, e -> {
                    // no fallback took it: the client gets the upstream's own answer, as it came
                    metrics.request(plan.route(), e.status(), plan.source(), false, false, false);
                    ServerHttpResponse response = exchange.getResponse();
                    response.setStatusCode(HttpStatusCode.valueOf(e.status()));
                    e.headers().forEach(response.getHeaders()::put);
                    return response.writeWith(Mono.just(response.bufferFactory().wrap(e.body())));
                })
                .doOnError(e -> metrics.request(plan.route(), 503, plan.source(), false, false, false));
    }

    private Mono<Void> escalate(ServerWebExchange exchange, ChatCall call, RoutePlan plan, ChatForwarder.Answer fast, JsonNode fastBody,
                                Escalation.Report hint) {
        String requestId = RequestIds.of(exchange);
        var reasoning = forwarder.complete(call.body(), UpstreamRegistry.REASONING, false, requestId);
        long fastTokens = usage(fastBody);
        return reasoning
                .flatMap(r -> {
                    if (!r.reply().ok()) {
                        return Mono.error(new IllegalStateException("the reasoning route answered HTTP " + r.reply().status()));
                    }
                    metrics.escalation("answered");
                    var report = new Escalation.Report(true, hint.reason(), hint.confidence(), null);
                    return write(exchange, call, new ChatAnnotations(call.requestedModel(), plan, r.answering(), report), r.reply(),
                            parse(r.reply()), fastTokens);
                })
                .onErrorResume(e -> {
                    log.info("request {}: escalation to the reasoning route failed ({}); the fast answer stands", requestId, e.toString());
                    metrics.escalation("failed");
                    var report = new Escalation.Report(false, hint.reason(), hint.confidence(),
                            dev.reasoningrouter.gateway.errors.OpenAiErrorHandler.rootMessage(e));
                    return write(exchange, call, new ChatAnnotations(call.requestedModel(), plan, fast.answering(), report), fast.reply(),
                            fastBody, 0);
                });
    }

    /** Writes a whole answer: an OK JSON object gets the gateway's {@code rr} fields; anything else goes as it came. */
    private Mono<Void> write(ServerWebExchange exchange, ChatCall call, ChatAnnotations annotations, UpstreamReply reply, JsonNode body,
                             long extraTokens) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatusCode.valueOf(reply.status()));
        reply.headers().forEach(response.getHeaders()::put);
        annotations.writeHeaders(response.getHeaders());
        byte[] bytes = reply.body();
        if (reply.ok() && body instanceof ObjectNode object) {
            annotations.annotate(object, json);
            bytes = json.writeValueAsBytes(object);
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        }
        TokenUsage.of(exchange).record(charged(reply, body, call.tokenEstimate(), extraTokens));
        metrics.request(annotations.answering().route(), reply.status(), annotations.plan().source(), annotations.degraded(),
                annotations.escalated(), false);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }

    private Mono<Void> stream(ServerWebExchange exchange, ChatCall call, RoutePlan plan) {
        String requestId = RequestIds.of(exchange);
        Flux<StreamSignal> signals = call.target() instanceof ModelCatalog.Target.Direct d
                ? forwarder.stream(call.body(), d.upstream().name(), d.upstream(), requestId)
                : forwarder.stream(call.body(), plan.route(), true, requestId);
        ServerHttpResponse response = exchange.getResponse();
        AtomicBoolean counted = new AtomicBoolean();
        SseRelay relay = new SseRelay(json, call.requestedModel(), plan, call.promptTokens(),
                new SseRelay.Listener() {
                    @Override
                    public void head(StreamSignal.Head head, ChatAnnotations annotations) {
                        SseRelay.writeHead(response.getHeaders(), head, annotations, s -> response.setStatusCode(HttpStatusCode.valueOf(s)));
                        counted.set(true);
                        metrics.request(annotations.answering().route(), head.status(), plan.source(), annotations.degraded(), false, true);
                    }

                    @Override
                    public void tokens(long tokens) {
                        TokenUsage.of(exchange).record(tokens);
                    }

                    @Override
                    public void broken(String upstream, Throwable cause) {
                        log.warn("request {}: the stream from '{}' broke off: {}", requestId, upstream, cause.toString());
                        metrics.streamBreak(upstream);
                    }
                });
        return response.writeAndFlushWith(relay.relay(signals).map(bytes -> Mono.just(response.bufferFactory().wrap(bytes))))
                .doOnError(e -> {
                    if (!counted.get()) {
                        metrics.request(plan.route(), 503, plan.source(), false, false, true);
                    }
                });
    }

    /**
     * The tokens an answer costs the key: its {@code usage}, else the reservation's estimate; an answer that is not a
     * success (the upstream refused the request: a bad parameter, its queue full, …) generated nothing and costs nothing.
     * {@code extraTokens} is what an escalated request's fast answer used.
     */
    static long charged(UpstreamReply reply, JsonNode body, long estimate, long extraTokens) {
        if (!reply.ok()) {
            return 0;
        }
        long used = usage(body);
        return (used >= 0 ? used : estimate) + extraTokens;
    }

    private JsonNode parse(UpstreamReply reply) {
        if (reply.body().length == 0) {
            return null;
        }
        try {
            return json.readTree(reply.body());
        } catch (JacksonException e) {
            return null;
        }
    }

    private static long usage(JsonNode body) {
        JsonNode total = body == null ? null : body.path("usage").path("total_tokens");
        return total != null && total.canConvertToLong() ? total.asLong() : -1;
    }
}
