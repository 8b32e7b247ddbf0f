package dev.reasoningrouter.gateway.auth;

import org.springframework.web.server.ServerWebExchange;

/**
 * Who is calling: the API key's name (never the key) and its limits; {@link #ANONYMOUS} when the API is open.
 * Exchange attribute {@link #ATTRIBUTE}.
 */
public record Caller(String name, long requestsPerMinute, long tokensPerMinute) {
    public static final String ATTRIBUTE = "rr.caller";
    public static final String ANONYMOUS_NAME = "anonymous";

    public static Caller of(ServerWebExchange exchange) {
        return exchange.getAttribute(ATTRIBUTE);
    }
}
