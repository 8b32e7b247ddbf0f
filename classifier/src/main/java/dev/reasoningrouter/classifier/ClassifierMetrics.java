package dev.reasoningrouter.classifier;

import dev.reasoningrouter.classifier.model.Classification;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The classifier's meters: {@code rr.classifier.latency} (timer histogram), {@code
 * rr.classifier.latency.percentiles} (p50/p90/p99),
 * {@code rr.classifier.routes} (counter by route), {@code rr.classifier.score} (score histogram),
 * {@code rr.classifier.dead.letters}. The {@code channel} tag says rest or kafka.
 */
public final class ClassifierMetrics {
    private static final double[] SCORE_BUCKETS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};

    private final MeterRegistry registry;

    public ClassifierMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(Classification c, String channel) {
        long nanos = (long) (c.latencyMs() * 1e6);
        // Prometheus cannot carry client-side percentiles on a histogram, hence two meters: the histogram
        // aggregates across replicas (histogram_quantile), the summary gives this replica's p50/p90/p99.
        Timer.builder("rr.classifier.latency")
                .description("time to classify one query (embedding + heads)")
                .tag("channel", channel)
                .publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(15), Duration.ofMillis(50))
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(2))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
        Timer.builder("rr.classifier.latency.percentiles")
                .description("time to classify one query, client-side percentiles")
                .tag("channel", channel)
                .publishPercentiles(0.5, 0.9, 0.99)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
        Counter.builder("rr.classifier.routes")
                .description("classified queries by route")
                .tag("route", c.route())
                .tag("channel", channel)
                .register(registry)
                .increment();
        DistributionSummary.builder("rr.classifier.score")
                .description("complexity score distribution")
                .tag("channel", channel)
                .serviceLevelObjectives(SCORE_BUCKETS)
                .register(registry)
                .record(c.score());
        if (c.windows() > 1) {
            Counter.builder("rr.classifier.long.inputs")
                    .description("inputs longer than one encoder window (read as head + tail)")
                    .tag("channel", channel)
                    .register(registry)
                    .increment();
        }
    }

    public void abortedTransaction(String stage) {
        Counter.builder("rr.classifier.transactions.aborted")
                .description("routing-stage transactions aborted (their records are read again)")
                .tag("stage", stage)
                .register(registry)
                .increment();
    }

    public void deadLetter(String stage) {
        Counter.builder("rr.classifier.dead.letters")
                .description("records sent to the dead-letter topic")
                .tag("stage", stage)
                .register(registry)
                .increment();
    }
}
