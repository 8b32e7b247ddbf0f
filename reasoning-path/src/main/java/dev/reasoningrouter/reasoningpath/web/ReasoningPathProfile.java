package dev.reasoningrouter.reasoningpath.web;

import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.engine.serving.PathProfile;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The reasoning path: the model's trained top-k routed experts per token. */
@Configuration(proxyBeanMethods = false)
public class ReasoningPathProfile {
    public static final String PATH = "reasoning";

    @Bean
    PathProfile pathProfile(ModelHost host) {
        return PathProfile.of(PATH, host, ExpertBudget.full(host.config()));
    }
}
