package dev.reasoningrouter.reasoningpath.policy;

import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.pathserving.core.CompletionPolicy;
import dev.reasoningrouter.pathserving.core.PathProfile;
import dev.reasoningrouter.pathserving.verify.LoopSettings;
import dev.reasoningrouter.pathserving.verify.ModelCritic;
import dev.reasoningrouter.pathserving.verify.ResolvingCritic;
import dev.reasoningrouter.pathserving.verify.Verifier;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The reasoning path: the model's trained top-k routed experts per token, thinking, and the verification loop
 * ({@code rr.reasoning.*}).
 */
@Configuration(proxyBeanMethods = false)
public class ReasoningPathConfiguration {
    public static final String PATH = "reasoning";

    @Bean
    PathProfile pathProfile(ModelHost host) {
        return PathProfile.of(PATH, host, ExpertBudget.full(host.config()));
    }

    /**
     * The critic ({@code rr.reasoning.verification.verifier}): {@code model-critic} (the default: the same model, asked
     * whether the draft is correct) or {@code re-solve} (the same model solves the question again at smaller expert
     * budgets and the score is the agreement). Another bean of this type replaces it.
     */
    @Bean
    Verifier verifier(ModelHost host, PathProfile profile,
                      @Value("${rr.reasoning.verification.verifier:model-critic}") String kind,
                      @Value("${rr.reasoning.verification.critique-tokens:24}") int critiqueTokens,
                      @Value("${rr.reasoning.verification.re-solve.solutions:2}") int solutions,
                      @Value("${rr.reasoning.verification.re-solve.max-tokens:1024}") int solutionTokens) {
        return switch (kind.strip()) {
            case "model-critic" -> new ModelCritic(host, profile.budget(), critiqueTokens);
            case "re-solve" -> new ResolvingCritic(host, ResolvingCritic.budgetsBelow(profile.budget().experts(), solutions),
                    solutionTokens);
            default -> throw new IllegalArgumentException("rr.reasoning.verification.verifier must be model-critic or "
                    + "re-solve, got '" + kind + "'");
        };
    }

    @Bean
    ReasoningCompletionPolicy.Settings reasoningSettings(
            @Value("${rr.reasoning.thinking:true}") boolean thinking,
            @Value("${rr.reasoning.verification.enabled:true}") boolean verification,
            @Value("${rr.reasoning.verification.max-rounds:3}") int maxRounds,
            @Value("${rr.reasoning.verification.accept-threshold:0.5}") double threshold,
            @Value("${rr.reasoning.verification.max-tokens:4096}") int maxTokens,
            @Value("${rr.reasoning.verification.max-time:120s}") Duration maxTime,
            @Value("${rr.reasoning.self-consistency.samples:1}") int samples) {
        return new ReasoningCompletionPolicy.Settings(thinking, verification,
                new LoopSettings(maxRounds, threshold, maxTokens, maxTime, samples));
    }

    @Bean
    CompletionPolicy reasoningCompletionPolicy(ModelHost host, PathProfile profile, Verifier verifier,
                                               ReasoningCompletionPolicy.Settings settings,
                                               ExecutorService completionExecutor) {
        return new ReasoningCompletionPolicy(host, profile.budget(), verifier, settings, completionExecutor);
    }
}
