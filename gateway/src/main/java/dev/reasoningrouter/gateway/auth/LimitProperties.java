package dev.reasoningrouter.gateway.auth;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code rr.limits.*}: the default per-key limits and the request body limit.
 *
 * @param requestsPerMinute API requests a key may make per minute (0: no limit)
 * @param tokensPerMinute   chat completion tokens (prompt + completion) a key may use per minute (0: no limit)
 * @param maxBodyBytes      the largest request body of a JSON endpoint (413 above it); file uploads have
 *                          {@code rr.batch.max-file-bytes}
 */
@ConfigurationProperties("rr.limits")
public record LimitProperties(long requestsPerMinute, long tokensPerMinute, long maxBodyBytes) {
    public LimitProperties {
        if (requestsPerMinute < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException("rr.limits.requests-per-minute and tokens-per-minute must be >= 0 (0: no limit)");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("rr.limits.max-body-bytes must be >= 1024, got " + maxBodyBytes);
        }
    }
}
