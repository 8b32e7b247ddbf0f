package dev.reasoningrouter.fastpath.web;

import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.engine.serving.PathProfile;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The fast path: {@code rr.fast.experts} routed experts per token (default max(1, top-k / 3)), latency first. */
@Configuration(proxyBeanMethods = false)
public class FastPathProfile {
    public static final String PATH = "fast";

    @Bean
    PathProfile pathProfile(ModelHost host, @Value("${rr.fast.experts:#{null}}") Integer experts) {
        return PathProfile.of(PATH, host, PathProfile.fastBudget(experts, host));
    }
}
