package dev.reasoningrouter.gateway.auth;

import dev.reasoningrouter.gateway.api.ChatCall;
import dev.reasoningrouter.gateway.metrics.GatewayMetrics;
import dev.reasoningrouter.contracts.OpenAiException;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import reactor.core.publisher.Mono;

/**
 * {@code TokenBudget}: the caller's tokens-per-minute limit on a chat completion. Reserves the most the request may
 * use before it goes upstream (429 when the key's budget is spent) and settles against the answer's real usage when
 * it is done (a failed request costs nothing).
 */
public class TokenBudgetGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {
    private final RateLimits limits;
    private final GatewayMetrics metrics;

    public TokenBudgetGatewayFilterFactory(RateLimits limits, GatewayMetrics metrics) {
        super(Object.class);
        this.limits = limits;
        this.metrics = metrics;
    }

    @Override
    public GatewayFilter apply(Object config) {
        return (exchange, chain) -> Mono.defer(() -> {
            ChatCall call = exchange.getRequiredAttribute(ChatCall.ATTRIBUTE);
            Caller caller = Caller.of(exchange);
            RateLimits.Reservation reservation;
            try {
                reservation = limits.reserveTokens(caller, call.tokenEstimate(), exchange.getResponse().getHeaders());
            } catch (OpenAiException e) {
                metrics.rejection("tokens_per_minute");
                throw e;
            }
            return chain.filter(exchange).doFinally(signal -> reservation.settle(Math.max(0, TokenUsage.of(exchange).tokens())));
        });
    }
}
