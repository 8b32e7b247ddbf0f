package dev.reasoningrouter.fastpath.web;

import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.serving.BackendChoice;
import dev.reasoningrouter.engine.serving.ChatEndpoint;
import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.engine.serving.PathProfile;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Opens the model once at start-up and wires the chat endpoint, metrics and /actuator/info for this path. */
@Configuration(proxyBeanMethods = false)
public class ModelConfiguration {
    /** This service's path name, in responses and metric tags. */
    public static final String PATH = "fast";

    private static final Logger log = LoggerFactory.getLogger(ModelConfiguration.class);

    @Bean
    BackendChoice backendChoice(@Value("${rr.engine.backend:auto}") String backend) {
        BackendChoice choice = BackendChoice.resolve(backend);
        log.info("engine backend: {} ({})", choice.backend(), choice.reason());
        return choice;
    }

    @Bean(destroyMethod = "close")
    ModelHost modelHost(BackendChoice backend, @Value("${rr.model.path:}") String path,
                        @Value("${rr.model.cache-dir}") String cacheDir, @Value("${rr.model.threads:0}") int threads,
                        @Value("${rr.model.max-batch:8}") int maxBatch) {
        long t0 = System.nanoTime();
        ModelHost host = ModelHost.open(new ModelHost.Options(path.isBlank() ? null : Path.of(path), Path.of(cacheDir),
                threads, maxBatch));
        log.info("model {} opened from {} in {} ms on the {} backend (tokenizer: {}, template: {})", host.modelName(),
                host.source(), (System.nanoTime() - t0) / 1_000_000, backend.backend(), host.tokenizerSource(),
                host.chatTemplate().name());
        if (host.isSynthetic()) {
            log.warn("serving a random-weight test model: its text is meaningless; set RR_MODEL_PATH to a real model");
        }
        return host;
    }

    /** The fast path: rr.fast.experts routed experts per token (default max(1, top-k / 3)). */
    @Bean
    PathProfile pathProfile(ModelHost host, @Value("${rr.fast.experts:#{null}}") Integer experts) {
        ExpertBudget budget = PathProfile.fastBudget(experts, host);
        return PathProfile.of(PATH, host, budget);
    }

    @Bean
    ChatEndpoint chatEndpoint(ModelHost host, PathProfile profile, MeterRegistry registry,
                              @Value("${rr.generation.max-tokens-limit:1024}") int limit,
                              @Value("${rr.generation.default-max-tokens:256}") int dflt) {
        Counter promptTokens = Counter.builder("rr.generation.tokens").description("tokens processed")
                .tag("path", PATH).tag("kind", "prompt").register(registry);
        Counter completionTokens = Counter.builder("rr.generation.tokens").description("tokens processed")
                .tag("path", PATH).tag("kind", "completion").register(registry);
        Timer ttft = Timer.builder("rr.generation.ttft").description("time to first token (queueing and prefill included)")
                .tag("path", PATH).publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(2)).register(registry);
        Gauge.builder("rr.generation.active.experts", profile, p -> p.budget().experts())
                .description("routed experts per token on this path").tag("path", PATH).register(registry);
        Gauge.builder("rr.generation.kv.cache.bytes.per.token", host, ModelHost::kvCacheBytesPerToken)
                .description("KV-cache bytes per token of context (MLA latent)").tag("path", PATH).register(registry);
        return new ChatEndpoint(host, profile, limit, dflt, out -> {
            promptTokens.increment(out.promptTokens());
            completionTokens.increment(out.completionTokens());
            ttft.record(out.ttftNanos(), TimeUnit.NANOSECONDS);
        });
    }

    @Bean
    InfoContributor modelInfo(ModelHost host, PathProfile profile, BackendChoice backend) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", host.modelName());
        m.put("synthetic", host.isSynthetic());
        if (host.isSynthetic()) {
            m.put("warning", PathProfile.SYNTHETIC_WARNING);
        }
        m.put("source", host.source());
        m.put("path", PATH);
        m.put("experts", profile.budget().experts());
        m.put("trained_top_k", host.trainedTopK());
        m.put("routed_experts", host.config().nRoutedExperts());
        m.put("active_params_per_token", profile.activeParamsPerToken());
        m.put("total_params", host.totalParameters());
        m.put("kv_cache_bytes_per_token", host.kvCacheBytesPerToken());
        m.put("context_length", host.config().maxContext());
        m.put("tokenizer", host.tokenizerSource());
        m.put("chat_template", host.chatTemplate().name());
        m.put("backend", backend.backend());
        Map<String, Object> info = Map.copyOf(m);
        return builder -> builder.withDetail("model", info);
    }
}
