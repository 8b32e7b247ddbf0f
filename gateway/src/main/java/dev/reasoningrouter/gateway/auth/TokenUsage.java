package dev.reasoningrouter.gateway.auth;

import java.util.concurrent.atomic.AtomicLong;
import org.springframework.web.server.ServerWebExchange;

/** The tokens a chat completion really used, recorded by whoever wrote the answer, for the token limit to settle. */
public final class TokenUsage {
    static final String ATTRIBUTE = "rr.tokenUsage";
    private final AtomicLong tokens = new AtomicLong(-1);

    /** The exchange's usage record (made on first use). */
    public static TokenUsage of(ServerWebExchange exchange) {
        return exchange.getAttributes().computeIfAbsent(ATTRIBUTE, k -> new TokenUsage()) instanceof TokenUsage u ? u : new TokenUsage();
    }

    public void record(long used) {
        tokens.set(used);
    }

    /** The recorded usage, or -1 when none was recorded (the request failed before an answer). */
    public long tokens() {
        return tokens.get();
    }
}
