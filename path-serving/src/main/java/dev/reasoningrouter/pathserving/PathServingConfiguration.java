package dev.reasoningrouter.pathserving;

import dev.reasoningrouter.engine.generate.BatchLimit;
import dev.reasoningrouter.engine.serving.BackendChoice;
import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.pathserving.api.ApiErrors;
import dev.reasoningrouter.pathserving.api.ChatCompletionRequest;
import dev.reasoningrouter.pathserving.api.ChatCompletionsController;
import dev.reasoningrouter.pathserving.api.ModelsController;
import dev.reasoningrouter.pathserving.api.RequestBodyLimit;
import dev.reasoningrouter.pathserving.core.Admission;
import dev.reasoningrouter.pathserving.core.CompletionPolicy;
import dev.reasoningrouter.pathserving.core.CompletionService;
import dev.reasoningrouter.pathserving.core.PathProfile;
import dev.reasoningrouter.pathserving.batching.AdaptiveBatchLimit;
import dev.reasoningrouter.pathserving.metrics.ServingMetrics;
import dev.reasoningrouter.pathserving.power.EnergyMeter;
import dev.reasoningrouter.pathserving.power.GpuTelemetry;
import dev.reasoningrouter.pathserving.power.NvidiaSmi;
import dev.reasoningrouter.pathserving.power.PowerGuard;
import dev.reasoningrouter.pathserving.power.RaplEnergy;
import dev.reasoningrouter.pathserving.power.TelemetryUnavailableException;
import java.time.Duration;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the fast and the reasoning path share: the model opened once at start-up, the serving core (admission,
 * continuous batching, metrics) and the OpenAI API over it. Each service contributes its {@link PathProfile} (path name
 * and expert budget) and its {@link CompletionPolicy} (how it answers).
 */
@AutoConfiguration
@Import({ChatCompletionsController.class, ModelsController.class, ApiErrors.class})
public class PathServingConfiguration {
    private static final Logger log = LoggerFactory.getLogger(PathServingConfiguration.class);

    /** Resolved once at start-up (the engine logs the one "engine backend: ..." line); cuda without a device fails here. */
    @Bean
    BackendChoice backendChoice(@Value("${rr.engine.backend:auto}") String backend) {
        return BackendChoice.resolve(backend);
    }

    @Bean
    ServingMetrics servingMetrics(MeterRegistry registry, @Value("${rr.serving.path}") String path) {
        return new ServingMetrics(registry, path);
    }

    /** GPU power and temperature from nvidia-smi, where there is one (else it says why not). */
    @Bean(destroyMethod = "close")
    GpuTelemetry gpuTelemetry(@Value("${rr.power.nvidia-smi:nvidia-smi}") String nvidiaSmi,
                              @Value("${rr.power.poll-interval:2s}") Duration interval) {
        GpuTelemetry t = new GpuTelemetry(new NvidiaSmi(nvidiaSmi), interval);
        log.info("GPU telemetry: {}", t.available() ? t.latest().orElseThrow() : t.unavailableReason());
        return t;
    }

    @Bean
    PowerGuard powerGuard(GpuTelemetry gpu, @Value("${rr.power.backoff-power-fraction:0.95}") double fraction,
                          @Value("${rr.power.backoff-temperature:85}") double temperature) {
        return new PowerGuard(gpu::latest, fraction, temperature);
    }

    /**
     * How many sequences share a decode step: adaptive (a time-per-output-token target, the load, the GPU's power and
     * temperature) up to {@code rr.model.max-batch}, or that fixed number with {@code rr.batching.adaptive=false}.
     */
    @Bean
    BatchLimit batchLimit(@Value("${rr.model.max-batch:8}") int maxBatch, @Value("${rr.batching.adaptive:true}") boolean adaptive,
                          @Value("${rr.batching.target-tpot:250ms}") Duration targetTpot, PowerGuard guard,
                          ServingMetrics metrics) {
        if (!adaptive) {
            return BatchLimit.fixed(maxBatch);
        }
        AdaptiveBatchLimit limit = new AdaptiveBatchLimit(maxBatch, targetTpot, guard);
        metrics.watchBatching(limit);
        return limit;
    }

    @Bean(destroyMethod = "close")
    ModelHost modelHost(BackendChoice backend, BatchLimit batchLimit, ServingMetrics metrics,
                        @Value("${rr.model.path:}") String path, @Value("${rr.model.cache-dir}") String cacheDir,
                        @Value("${rr.model.threads:0}") int threads, @Value("${rr.model.max-batch:8}") int maxBatch) {
        long t0 = System.nanoTime();
        ModelHost host = ModelHost.open(new ModelHost.Options(path.isBlank() ? null : Path.of(path), Path.of(cacheDir),
                threads, maxBatch, backend), batchLimit, metrics);
        log.info("model {} opened from {} in {} ms on {} (tokenizer: {}, template: {})", host.modelName(),
                host.source(), (System.nanoTime() - t0) / 1_000_000, host.backendName(), host.tokenizerSource(),
                host.chatTemplate().name());
        if (host.isSynthetic()) {
            log.warn("serving a random-weight test model: its text is meaningless; set RR_MODEL_PATH to a real model");
        }
        return host;
    }

    /**
     * Energy for tokens per joule: the GPU's (from nvidia-smi) when the model runs on it, else the CPU packages' RAPL
     * counters when readable, else none (and the info endpoint says why).
     */
    @Bean
    EnergyMeter energyMeter(ModelHost host, GpuTelemetry gpu, PowerGuard guard, ServingMetrics metrics,
                            @Value("${rr.power.rapl-root:/sys/class/powercap}") String raplRoot) {
        EnergyMeter meter;
        if (host.backend().equals("cuda") && gpu.available()) {
            meter = gpu.energy();
        } else {
            try {
                meter = RaplEnergy.open(Path.of(raplRoot));
            } catch (TelemetryUnavailableException e) {
                meter = EnergyMeter.none(e.getMessage());
            }
        }
        log.info("energy: {}", meter.source());
        metrics.watchPower(meter, gpu, guard);
        return meter;
    }

    /** Requests in the service at once: the batch plus {@code rr.serving.max-queued} waiting; more get a 429. */
    @Bean
    Admission admission(@Value("${rr.model.max-batch:8}") int maxBatch, @Value("${rr.serving.max-queued:32}") int maxQueued) {
        return new Admission(maxBatch + maxQueued, maxBatch);
    }

    /** Runs completion policies (and their extra samples) on virtual threads: they mostly wait for the engine. */
    @Bean(destroyMethod = "close")
    ExecutorService completionExecutor() {
        return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("rr-completion-", 0).factory());
    }

    @Bean
    CompletionService completionService(PathProfile profile, CompletionPolicy policy, Admission admission,
                                        ServingMetrics metrics, ModelHost host, @Value("${rr.serving.path}") String path) {
        if (!profile.path().equals(path)) {
            throw new IllegalStateException("rr.serving.path is '" + path + "' but the service's profile is '" + profile.path() + "'");
        }
        metrics.describe(profile, host, admission);
        return new CompletionService(profile, policy, admission, metrics);
    }

    @Bean
    ChatCompletionRequest.Limits requestLimits(@Value("${rr.generation.max-tokens-limit:1024}") int limit,
                                               @Value("${rr.generation.default-max-tokens:256}") int dflt,
                                               @Value("${rr.generation.default-temperature:1.0}") double temperature,
                                               @Value("${rr.generation.max-samples:1}") int maxSamples,
                                               @Value("${rr.generation.max-rounds:1}") int maxRounds) {
        return new ChatCompletionRequest.Limits(limit, dflt, temperature, maxSamples, maxRounds);
    }

    @Bean
    RequestBodyLimit requestBodyLimit(@Value("${rr.http.max-body-bytes:4194304}") long maxBytes, JsonMapper json) {
        return new RequestBodyLimit(maxBytes, json);
    }

    @Bean
    InfoContributor modelInfo(ModelHost host, PathProfile profile, BatchLimit batchLimit, EnergyMeter energy, GpuTelemetry gpu) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", host.modelName());
        m.put("synthetic", host.isSynthetic());
        if (host.isSynthetic()) {
            m.put("warning", PathProfile.SYNTHETIC_WARNING);
        }
        m.put("source", host.source());
        m.put("path", profile.path());
        m.put("experts_per_token", profile.budget().experts());
        m.put("trained_top_k", host.trainedTopK());
        m.put("routed_experts", host.config().nRoutedExperts());
        m.put("active_params_per_token", profile.activeParamsPerToken());
        m.put("total_params", host.totalParameters());
        m.put("parameter_utilization", profile.parameterUtilization());
        m.put("kv_cache_bytes_per_token", host.kvCacheBytesPerToken());
        m.put("context_length", host.config().maxContext());
        m.put("tokenizer", host.tokenizerSource());
        m.put("chat_template", host.chatTemplate().name());
        // what runs the model, after any fallback at load: "cpu" or "cuda", its description, and why
        m.put("backend", host.backend());
        m.put("backend_name", host.backendName());
        m.put("backend_reason", host.backendReason());
        Map<String, Object> info = Map.copyOf(m);
        Map<String, Object> serving = new LinkedHashMap<>();
        serving.put("batching", batchLimit instanceof AdaptiveBatchLimit a ? "adaptive up to " + a.ceiling() : "fixed");
        serving.put("energy", energy.source());
        serving.put("gpu_telemetry", gpu.available() ? "nvidia-smi" : gpu.unavailableReason());
        Map<String, Object> servingInfo = Map.copyOf(serving);
        return builder -> builder.withDetail("model", info).withDetail("serving", servingInfo);
    }
}
