package dev.reasoningrouter.gateway.routing;

import dev.reasoningrouter.contracts.RouteDecision;
import dev.reasoningrouter.gateway.api.ChatCall;
import dev.reasoningrouter.gateway.api.ModelCatalog;
import dev.reasoningrouter.gateway.api.RequestIds;
import dev.reasoningrouter.gateway.resilience.Downstreams;
import dev.reasoningrouter.gateway.metrics.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import reactor.core.publisher.Mono;

/**
 * {@code RouteDecision}: decides where a {@link ChatCall} goes and hands the {@link RoutePlan} on. {@code auto} asks the
 * classifier; when it is down, slow, its circuit open or it declines the text, the local {@link HeuristicRouter}
 * decides instead and the plan says so. A forced route or a named upstream is taken as it is.
 */
public class RouteDecisionGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {
    private static final Logger log = LoggerFactory.getLogger(RouteDecisionGatewayFilterFactory.class);

    private final ClassifierClient classifier;
    private final HeuristicRouter heuristic;
    private final RoutingProperties properties;
    private final GatewayMetrics metrics;

    public RouteDecisionGatewayFilterFactory(ClassifierClient classifier, HeuristicRouter heuristic, RoutingProperties properties,
                                             GatewayMetrics metrics) {
        super(Object.class);
        this.classifier = classifier;
        this.heuristic = heuristic;
        this.properties = properties;
        this.metrics = metrics;
    }

    @Override
    public GatewayFilter apply(Object config) {
        return (exchange, chain) -> {
            ChatCall call = exchange.getRequiredAttribute(ChatCall.ATTRIBUTE);
            return plan(call, RequestIds.of(exchange)).flatMap(plan -> {
                metrics.routing(plan.source(), plan.routingNanos());
                exchange.getAttributes().put(RoutePlan.ATTRIBUTE, plan);
                return chain.filter(exchange);
            });
        };
    }

    public Mono<RoutePlan> plan(ChatCall call, String requestId) {
        long start = System.nanoTime();
        return switch (call.target()) {
            case ModelCatalog.Target.Direct d -> Mono.just(new RoutePlan(d.upstream().name(), RoutePlan.SOURCE_DIRECT, null, null,
                    System.nanoTime() - start));
            case ModelCatalog.Target.Route r -> Mono.just(new RoutePlan(r.route(), RouteDecision.SOURCE_FORCED, null, null,
                    System.nanoTime() - start));
            case ModelCatalog.Target.Auto a -> auto(call, requestId, start);
        };
    }

    private Mono<RoutePlan> auto(ChatCall call, String requestId, long start) {
        if (call.text().isBlank()) {
            return Mono.just(new RoutePlan(RouteDecision.FAST, RoutePlan.SOURCE_DEFAULT, null, "no user text to classify",
                    System.nanoTime() - start));
        }
        return classifier.classify(call.text(), call.threshold(), requestId)
                .map(verdict -> switch (verdict) {
                    case ClassifierClient.Verdict.Decided d -> new RoutePlan(d.decision().route(), RouteDecision.SOURCE_CLASSIFIER,
                            d.decision(), null, System.nanoTime() - start);
                    case ClassifierClient.Verdict.Declined d -> heuristic(call, d.reason(), start);
                })
                .onErrorResume(e -> {
                    String why = "the classifier is unavailable: " + Downstreams.describe(e);
                    log.debug("routing {} by heuristic: {}", requestId, why);
                    return Mono.just(heuristic(call, why, start));
                });
    }

    private RoutePlan heuristic(ChatCall call, String why, long start) {
        RouteDecision d = heuristic.decide(call.text(), threshold(call));
        return new RoutePlan(d.route(), RouteDecision.SOURCE_HEURISTIC, d, why, System.nanoTime() - start);
    }

    private double threshold(ChatCall call) {
        return call.threshold() != null ? call.threshold() : properties.heuristicThreshold();
    }
}
