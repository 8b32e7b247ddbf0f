package dev.reasoningrouter.gateway.auth;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code rr.auth.*}: the API keys clients present as {@code Authorization: Bearer <key>}. With no key configured at
 * all the API is open (the gateway says so loudly at start-up); {@code ./rr up} always configures one.
 *
 * @param apiKeys comma-separated keys ({@code RR_API_KEYS}), each with the default limits and a name made from its hash
 * @param keys    keys with a name and limits of their own; each gives {@code key} (hashed at start-up, then dropped) or
 *                {@code sha256} (its hex SHA-256, so that the key itself never sits in configuration)
 */
@ConfigurationProperties("rr.auth")
public record AuthProperties(String apiKeys, List<KeySettings> keys) {

    public AuthProperties {
        keys = keys == null ? List.of() : List.copyOf(keys);
    }

    /**
     * @param requestsPerMinute this key's limit (null: {@code rr.limits.requests-per-minute}; 0: none)
     * @param tokensPerMinute   this key's limit (null: {@code rr.limits.tokens-per-minute}; 0: none)
     */
    public record KeySettings(String name, String key, String sha256, Long requestsPerMinute, Long tokensPerMinute) {
        @Override
        public String toString() {
            return "KeySettings[" + name + "]"; // never the key
        }
    }
}
