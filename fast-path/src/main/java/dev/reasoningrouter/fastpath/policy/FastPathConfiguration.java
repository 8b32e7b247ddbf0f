package dev.reasoningrouter.fastpath.policy;

import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.pathserving.core.CompletionPolicy;
import dev.reasoningrouter.pathserving.core.PathProfile;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The fast path: {@code rr.fast.experts} routed experts per token (default max(1, top-k / 3)), no chain-of-thought,
 * and escalation below {@code rr.fast.escalation.confidence-floor}.
 */
@Configuration(proxyBeanMethods = false)
public class FastPathConfiguration {
    public static final String PATH = "fast";

    @Bean
    PathProfile pathProfile(ModelHost host, @Value("${rr.fast.experts:#{null}}") Integer experts) {
        return PathProfile.of(PATH, host, PathProfile.fastBudget(experts, host));
    }

    @Bean
    CompletionPolicy fastCompletionPolicy(ModelHost host, PathProfile profile,
                                          @Value("${rr.fast.escalation.confidence-floor:0.35}") double floor) {
        return new FastCompletionPolicy(host, profile.budget(), floor);
    }
}
