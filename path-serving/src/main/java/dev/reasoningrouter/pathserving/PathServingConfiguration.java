package dev.reasoningrouter.pathserving;

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
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * What the fast and the reasoning path share: opens the model once at start-up and wires the chat endpoint,
 * generation metrics and /actuator/info. Each service contributes only its {@link PathProfile} bean: its path
 * name and expert budget.
 */
@AutoConfiguration
@Import(ChatCompletionsController.class)
public class PathServingConfiguration {
    private static final Logger log = LoggerFactory.getLogger(PathServingConfiguration.class);

    /** Resolved once at start-up (the engine logs the one "engine backend: ..." line); cuda without a device fails here. */
    @Bean
    BackendChoice backendChoice(@Value("${rr.engine.backend:auto}") String backend) {
        return BackendChoice.resolve(backend);
    }

    @Bean(destroyMethod = "close")
    ModelHost modelHost(BackendChoice backend, @Value("${rr.model.path:}") String path,
                        @Value("${rr.model.cache-dir}") String cacheDir, @Value("${rr.model.threads:0}") int threads,
                        @Value("${rr.model.max-batch:8}") int maxBatch) {
        long t0 = System.nanoTime();
        ModelHost host = ModelHost.open(new ModelHost.Options(path.isBlank() ? null : Path.of(path), Path.of(cacheDir),
                threads, maxBatch, backend));
        log.info("model {} opened from {} in {} ms on {} (tokenizer: {}, template: {})", host.modelName(),
                host.source(), (System.nanoTime() - t0) / 1_000_000, host.backendName(), host.tokenizerSource(),
                host.chatTemplate().name());
        if (host.isSynthetic()) {
            log.warn("serving a random-weight test model: its text is meaningless; set RR_MODEL_PATH to a real model");
        }
        return host;
    }

    @Bean
    ChatEndpoint chatEndpoint(ModelHost host, PathProfile profile, MeterRegistry registry,
                              @Value("${rr.generation.max-tokens-limit:1024}") int limit,
                              @Value("${rr.generation.default-max-tokens:256}") int dflt) {
        String path = profile.path();
        Counter promptTokens = Counter.builder("rr.generation.tokens").description("tokens processed")
                .tag("path", path).tag("kind", "prompt").register(registry);
        Counter completionTokens = Counter.builder("rr.generation.tokens").description("tokens processed")
                .tag("path", path).tag("kind", "completion").register(registry);
        Timer ttft = Timer.builder("rr.generation.ttft").description("time to first token (queueing and prefill included)")
                .tag("path", path).publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(2)).register(registry);
        Gauge.builder("rr.generation.active.experts", profile, p -> p.budget().experts())
                .description("routed experts per token on this path").tag("path", path).register(registry);
        Gauge.builder("rr.generation.kv.cache.bytes.per.token", host, ModelHost::kvCacheBytesPerToken)
                .description("KV-cache bytes per token of context (MLA latent)").tag("path", path).register(registry);
        return new ChatEndpoint(host, profile, limit, dflt, out -> {
            promptTokens.increment(out.promptTokens());
            completionTokens.increment(out.completionTokens());
            ttft.record(out.ttftNanos(), TimeUnit.NANOSECONDS);
        });
    }

    @Bean
    InfoContributor modelInfo(ModelHost host, PathProfile profile) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", host.modelName());
        m.put("synthetic", host.isSynthetic());
        if (host.isSynthetic()) {
            m.put("warning", PathProfile.SYNTHETIC_WARNING);
        }
        m.put("source", host.source());
        m.put("path", profile.path());
        m.put("experts", profile.budget().experts());
        m.put("trained_top_k", host.trainedTopK());
        m.put("routed_experts", host.config().nRoutedExperts());
        m.put("active_params_per_token", profile.activeParamsPerToken());
        m.put("total_params", host.totalParameters());
        m.put("kv_cache_bytes_per_token", host.kvCacheBytesPerToken());
        m.put("context_length", host.config().maxContext());
        m.put("tokenizer", host.tokenizerSource());
        m.put("chat_template", host.chatTemplate().name());
        // what runs the model, after any fallback at load: "cpu" or "cuda", its description, and why
        m.put("backend", host.backend());
        m.put("backend_name", host.backendName());
        m.put("backend_reason", host.backendReason());
        Map<String, Object> info = Map.copyOf(m);
        return builder -> builder.withDetail("model", info);
    }
}
