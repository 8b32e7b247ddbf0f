package dev.reasoningrouter.gateway.auth;

import dev.reasoningrouter.contracts.OpenAiException;
import dev.reasoningrouter.contracts.OpenAiError;
import dev.reasoningrouter.gateway.metrics.GatewayMetrics;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Every API request ({@code /v1/…}) must bring a configured key as {@code Authorization: Bearer <key>} (401 in
 * OpenAI's shape without one) and is counted against its key's requests-per-minute limit (429 with
 * {@code Retry-After}). The playground, the API documents and the actuator are not API requests. The key itself is
 * never logged or kept; only its name travels on.
 */
public final class ApiKeyFilter implements WebFilter, Ordered {
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    private final ApiKeys keys;
    private final RateLimits limits;
    private final GatewayMetrics metrics;

    public ApiKeyFilter(ApiKeys keys, RateLimits limits, GatewayMetrics metrics) {
        this.keys = keys;
        this.limits = limits;
        this.metrics = metrics;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().value().startsWith("/v1/")) {
            return chain.filter(exchange);
        }
        return Mono.defer(() -> check(exchange)).then(Mono.defer(() -> chain.filter(exchange)));
    }

    private Mono<Void> check(ServerWebExchange exchange) {
        Caller caller = keys.open() ? keys.anonymous() : authenticate(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
        exchange.getAttributes().put(Caller.ATTRIBUTE, caller);
        try {
            limits.request(caller, exchange.getResponse().getHeaders());
        } catch (OpenAiException e) {
            metrics.rejection("requests_per_minute");
            throw e;
        }
        return Mono.empty();
    }

    private Caller authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            metrics.rejection("missing_api_key");
            throw unauthorized("You didn't provide an API key. Send it in the Authorization header: 'Authorization: Bearer <key>'.",
                    "missing_api_key");
        }
        String presented = authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : "";
        Optional<Caller> caller = presented.isEmpty() ? Optional.empty() : keys.authenticate(presented);
        if (caller.isEmpty()) {
            metrics.rejection("invalid_api_key");
            throw unauthorized("Incorrect API key provided" + hint(presented) + ". Send a key the gateway was configured with "
                    + "(RR_API_KEYS; './rr up' prints the development key).", "invalid_api_key");
        }
        return caller.get();
    }

    /** Like OpenAI: the key's last four characters at most, so the client can tell which key it sent. */
    private static String hint(String presented) {
        return presented.length() >= 12 ? ": ..." + presented.substring(presented.length() - 4) : "";
    }

    private static OpenAiException unauthorized(String message, String code) {
        return new OpenAiException(401, OpenAiError.of(message, "invalid_request_error", null, code), 0);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
