package dev.reasoningrouter.gateway.resilience;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpStatusCode;
import reactor.core.publisher.Mono;

/**
 * {@code Downstream=<name>}: puts a proxied route behind the named downstream's guard (circuit breaker, time limiter,
 * bulkhead), the same guard the gateway's own calls to that downstream use. A 5xx answer passes through to the client
 * and counts as a failure for the breaker. A retry goes before it, as Spring Cloud Gateway's {@code Retry} filter (which
 * knows how to send a proxied request again), limited to refused connections.
 */
public class DownstreamGatewayFilterFactory extends AbstractGatewayFilterFactory<AbstractGatewayFilterFactory.NameConfig> {
    private final Downstreams downstreams;

    public DownstreamGatewayFilterFactory(Downstreams downstreams) {
        super(NameConfig.class);
        this.downstreams = downstreams;
    }

    @Override
    public java.util.List<String> shortcutFieldOrder() {
        return java.util.List.of(NAME_KEY);
    }

    @Override
    public GatewayFilter apply(NameConfig config) {
        return (exchange, chain) -> {
            DownstreamGuard guard = downstreams.guard(config.getName());
            Mono<Void> proxied = chain.filter(exchange).then(Mono.defer(() -> {
                HttpStatusCode status = exchange.getResponse().getStatusCode();
                return status != null && status.is5xxServerError() ? Mono.error(new ServerErrorPassed(status)) : Mono.<Void>empty();
            }));
            return guard.once(proxied).onErrorResume(ServerErrorPassed.class, e -> Mono.empty());
        };
    }

    /** The downstream's 5xx went to the client as it was; this only tells the breaker it failed. */
    private static final class ServerErrorPassed extends RuntimeException {
        ServerErrorPassed(HttpStatusCode status) {
            super("the downstream answered " + status, null, false, false);
        }
    }
}
