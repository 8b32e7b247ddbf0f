package dev.reasoningrouter.gateway.api;

import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every request an id: the client's {@code X-Request-Id} when it is a sensible token, else a new one. It is
 * echoed on the response, sent to every downstream, and is the request id of the chat completion's trail.
 */
public final class RequestIds implements WebFilter, Ordered {
    public static final String HEADER = "X-Request-Id";
    static final String ATTRIBUTE = "rr.requestId";
    private static final Pattern SENSIBLE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    public static String of(ServerWebExchange exchange) {
        String id = exchange.getAttribute(ATTRIBUTE);
        return id != null ? id : "req-unknown";
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String given = exchange.getRequest().getHeaders().getFirst(HEADER);
        String id = given != null && SENSIBLE.matcher(given).matches() ? given : "req-" + UUID.randomUUID().toString().replace("-", "");
        exchange.getAttributes().put(ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(HEADER, id);
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
