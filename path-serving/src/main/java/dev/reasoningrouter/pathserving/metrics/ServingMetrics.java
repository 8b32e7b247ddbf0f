package dev.reasoningrouter.pathserving.metrics;

import dev.reasoningrouter.engine.generate.BatchingGenerator;
import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.pathserving.core.Admission;
import dev.reasoningrouter.pathserving.core.Completion;
import dev.reasoningrouter.pathserving.core.PathProfile;
import dev.reasoningrouter.pathserving.batching.AdaptiveBatchLimit;
import dev.reasoningrouter.pathserving.power.EnergyMeter;
import dev.reasoningrouter.pathserving.power.GpuSample;
import dev.reasoningrouter.pathserving.power.GpuTelemetry;
import dev.reasoningrouter.pathserving.power.PowerGuard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The path services' serving metrics (Prometheus names in brackets), all tagged with the path: tokens
 * ({@code rr_generation_tokens_total}, by kind and source), time to first token ({@code rr_generation_ttft}), time per
 * output token ({@code rr_generation_tpot}), decode batch size per step ({@code rr_batch_size}), step time
 * ({@code rr_batch_step}), decode tokens/s ({@code rr_generation_decode_tokens_per_second}), queue depth
 * ({@code rr_queue_depth}: requests admitted; {@code rr_queue_waiting}: sequences waiting for the batch), admission
 * rejections, routed experts per token, Effective Parameter Utilization, KV-cache bytes per token, verification rounds
 * and outcomes, and escalations.
 */
public final class ServingMetrics implements BatchingGenerator.StepListener {
    private final MeterRegistry registry;
    private final String path;
    private final Timer ttft;
    private final Timer tpot;
    private final DistributionSummary batchSize;
    private final Timer step;
    private final DistributionSummary rounds;
    /** Decode tokens per second over the last step, in milli-tokens (a gauge reads it). */
    private final AtomicLong decodeMilliTokensPerSecond = new AtomicLong();
    private final AtomicLong generatedTokens = new AtomicLong();

    public ServingMetrics(MeterRegistry registry, String path) {
        this.registry = registry;
        this.path = path;
        this.ttft = Timer.builder("rr.generation.ttft").description("time to first token (queueing and prefill included)")
                .tag("path", path).publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(2)).register(registry);
        this.tpot = Timer.builder("rr.generation.tpot").description("time per output token after the first")
                .tag("path", path).publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        this.batchSize = DistributionSummary.builder("rr.batch.size").description("sequences in each decode step")
                .tag("path", path).publishPercentileHistogram().maximumExpectedValue(256.0).register(registry);
        this.step = Timer.builder("rr.batch.step").description("time of one decode step")
                .tag("path", path).publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        this.rounds = DistributionSummary.builder("rr.verification.rounds").description("drafts per verified answer")
                .tag("path", path).register(registry);
        Gauge.builder("rr.generation.decode.tokens.per.second", decodeMilliTokensPerSecond, v -> v.get() / 1000.0)
                .description("tokens generated per second by the last decode step (all sequences)").tag("path", path)
                .register(registry);
    }

    /** Gauges of what the path runs (expert budget, parameters), the model host and the admission queue. */
    public void describe(PathProfile profile, ModelHost host, Admission admission) {
        Gauge.builder("rr.generation.active.experts", profile, p -> p.budget().experts())
                .description("routed experts per token on this path").tag("path", path).register(registry);
        Gauge.builder("rr.generation.active.params.per.token", profile, PathProfile::activeParamsPerToken)
                .description("weights one token reads on this path").tag("path", path).register(registry);
        Gauge.builder("rr.generation.parameter.utilization", profile, PathProfile::parameterUtilization)
                .description("Effective Parameter Utilization: active / total parameters per token").tag("path", path)
                .register(registry);
        Gauge.builder("rr.generation.kv.cache.bytes.per.token", host, ModelHost::kvCacheBytesPerToken)
                .description("KV-cache bytes per token of context (MLA latent)").tag("path", path).register(registry);
        Gauge.builder("rr.batch.active", host, ModelHost::activeSequences)
                .description("sequences in the running decode batch").tag("path", path).register(registry);
        Gauge.builder("rr.queue.waiting", host, ModelHost::waitingSequences)
                .description("sequences waiting to join the decode batch").tag("path", path).register(registry);
        Gauge.builder("rr.queue.depth", admission, Admission::inFlight)
                .description("requests admitted and not finished (decoding or waiting)").tag("path", path).register(registry);
        Gauge.builder("rr.queue.capacity", admission, Admission::capacity)
                .description("the most requests admitted at once").tag("path", path).register(registry);
        FunctionCounter.builder("rr.admission.rejected", admission, Admission::rejected)
                .description("requests refused with 429 because the queue was full").tag("path", path).register(registry);
    }

    /** The adaptive batch limit: its value, its ceiling, the smoothed step time and its changes by cause. */
    public void watchBatching(AdaptiveBatchLimit limit) {
        Gauge.builder("rr.batch.limit", limit, AdaptiveBatchLimit::maxActive)
                .description("the most sequences a decode step may hold now (adaptive)").tag("path", path).register(registry);
        Gauge.builder("rr.batch.ceiling", limit, AdaptiveBatchLimit::ceiling)
                .description("the most sequences a decode step may ever hold").tag("path", path).register(registry);
        Gauge.builder("rr.batch.step.smoothed.seconds", limit, AdaptiveBatchLimit::smoothedStepSeconds)
                .description("smoothed decode step time: each stream's time per output token").tag("path", path)
                .register(registry);
        for (String cause : AdaptiveBatchLimit.CAUSES) {
            FunctionCounter.builder("rr.batch.limit.changes", limit, l -> l.changes(cause))
                    .description("changes of the batch limit by cause").tag("path", path).tag("cause", cause).register(registry);
        }
    }

    /**
     * Energy and power where the machine reports them: joules used ({@code rr_energy_joules_total}), tokens per joule,
     * power drawn, and on a GPU its temperature, power limit and whether the batch is backing off.
     */
    public void watchPower(EnergyMeter energy, GpuTelemetry gpu, PowerGuard guard) {
        if (energy.joules().isPresent()) {
            FunctionCounter.builder("rr.energy.joules", energy, e -> e.joules().orElse(Double.NaN))
                    .description("energy used since start (" + energy.source() + ")").tag("path", path)
                    .tag("source", energy.source()).register(registry);
            Gauge.builder("rr.power.watts", energy, e -> e.watts().orElse(Double.NaN))
                    .description("power drawn").tag("path", path).tag("source", energy.source()).register(registry);
            Gauge.builder("rr.generation.tokens.per.joule", this, m -> m.tokensPerJoule(energy))
                    .description("tokens generated per joule since start").tag("path", path).register(registry);
        }
        if (gpu.available()) {
            Gauge.builder("rr.gpu.temperature.celsius", gpu, g -> g.latest().map(GpuSample::temperatureC).orElse(Double.NaN))
                    .description("the hottest GPU's temperature").tag("path", path).register(registry);
            Gauge.builder("rr.gpu.power.limit.watts", gpu, g -> g.latest().map(GpuSample::powerLimitWatts).orElse(Double.NaN))
                    .description("the GPUs' power limit").tag("path", path).register(registry);
            Gauge.builder("rr.gpu.power.watts", gpu, g -> g.latest().map(GpuSample::powerWatts).orElse(Double.NaN))
                    .description("the GPUs' power draw").tag("path", path).register(registry);
        }
        Gauge.builder("rr.batch.power.backoff", guard, g -> g.get().backOff() ? 1 : 0)
                .description("1 while the batch backs off for the GPU's power or temperature").tag("path", path)
                .register(registry);
    }

    private double tokensPerJoule(EnergyMeter energy) {
        double j = energy.joules().orElse(0);
        return j > 0 ? generatedTokens.get() / j : Double.NaN;
    }

    @Override
    public void stepDone(int rows, long nanos) {
        batchSize.record(rows);
        step.record(nanos, TimeUnit.NANOSECONDS);
        if (nanos > 0) {
            decodeMilliTokensPerSecond.set(Math.round(rows * 1e12 / nanos));
        }
    }

    /** One finished completion. */
    public void completed(Completion c, String source) {
        tokens("prompt", source).increment(c.promptTokens());
        tokens("completion", source).increment(c.completionTokens());
        generatedTokens.addAndGet(c.completionTokens());
        tokens("reasoning", source).increment(c.reasoningTokens());
        Counter.builder("rr.generation.requests").description("completions finished").tag("path", path)
                .tag("source", source).tag("finish_reason", c.openAiFinishReason()).register(registry).increment();
        ttft.record(c.ttftNanos(), TimeUnit.NANOSECONDS);
        if (c.completionTokens() > 1) {
            tpot.record((c.totalNanos() - c.ttftNanos()) / (c.completionTokens() - 1), TimeUnit.NANOSECONDS);
        }
        if (c.verification() != null) {
            rounds.record(c.verification().rounds());
            Counter.builder("rr.verification.outcome").description("verified answers by outcome").tag("path", path)
                    .tag("accepted", Boolean.toString(c.verification().accepted()))
                    .tag("stop_reason", c.verification().stopReason()).register(registry).increment();
        }
        if (c.escalation() != null && c.escalation().suggested() && !source.equals("kafka")) {
            escalated(source); // over Kafka the worker counts an escalation once it commits the handed-on job
        }
    }

    /** An answer the fast path did not trust: a hint over HTTP, a job handed to the reasoning path over Kafka. */
    public void escalated(String source) {
        Counter.builder("rr.escalations").description("low-confidence answers escalated (kafka) or flagged (http)")
                .tag("path", path).tag("source", source).register(registry).increment();
    }

    private Counter tokens(String kind, String source) {
        return Counter.builder("rr.generation.tokens").description("tokens processed").tag("path", path)
                .tag("kind", kind).tag("source", source).register(registry);
    }
}
