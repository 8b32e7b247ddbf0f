package dev.reasoningrouter.gateway.auth;

import dev.reasoningrouter.gateway.metrics.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({AuthProperties.class, LimitProperties.class})
class AuthConfiguration {
    private static final Logger log = LoggerFactory.getLogger(AuthConfiguration.class);

    @Bean
    ApiKeys apiKeys(AuthProperties auth, LimitProperties limits) {
        ApiKeys keys = new ApiKeys(auth, limits);
        if (keys.open()) {
            log.warn("NO API KEYS ARE CONFIGURED: the API is open to anyone who can reach this port. "
                    + "Set RR_API_KEYS (or rr.auth.keys) to require keys.");
        } else {
            log.info("{} API key(s) configured (held as SHA-256 hashes)", keys.size());
        }
        return keys;
    }

    @Bean
    RateLimits rateLimits() {
        return new RateLimits();
    }

    @Bean
    ApiKeyFilter apiKeyFilter(ApiKeys keys, RateLimits limits, GatewayMetrics metrics) {
        return new ApiKeyFilter(keys, limits, metrics);
    }

    @Bean
    BodySizeLimitFilter bodySizeLimitFilter(LimitProperties limits, @Value("${rr.batch.max-file-bytes}") long maxFileBytes,
                                            GatewayMetrics metrics) {
        return new BodySizeLimitFilter(limits.maxBodyBytes(), maxFileBytes, metrics);
    }

    @Bean
    TokenBudgetGatewayFilterFactory tokenBudgetGatewayFilterFactory(RateLimits limits, GatewayMetrics metrics) {
        return new TokenBudgetGatewayFilterFactory(limits, metrics);
    }
}
