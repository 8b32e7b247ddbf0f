package dev.reasoningrouter.pathserving.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka job worker's metrics (Prometheus names in brackets), tagged with the path: jobs running
 * ({@code rr_kafka_worker_in_flight}), whether consumption is paused because the service is full
 * ({@code rr_kafka_worker_paused}), finished jobs waiting for their transaction ({@code rr_kafka_worker_buffered}),
 * committed outputs by kind ({@code rr_kafka_worker_outputs_total{kind=result|error|escalation|dead_letter|verified}}),
 * transactions by outcome ({@code rr_kafka_worker_transactions_total{outcome=committed|aborted}}) and how long a commit
 * takes ({@code rr_kafka_worker_commit_seconds}).
 */
final class WorkerMetrics {
    private final MeterRegistry registry;
    private final String path;
    private final Timer commit;
    private final Counter committed;
    private final Counter aborted;

    WorkerMetrics(MeterRegistry registry, String path) {
        this.registry = registry;
        this.path = path;
        this.commit = Timer.builder("rr.kafka.worker.commit").description("one transaction: outputs, offsets, commit")
                .tag("path", path).publishPercentileHistogram().register(registry);
        this.committed = transactions("committed");
        this.aborted = transactions("aborted");
    }

    /** Gauges that read the worker's state. */
    void observe(JobWorker worker) {
        Gauge.builder("rr.kafka.worker.in.flight", worker, JobWorker::inFlight)
                .description("Kafka jobs running (each holds an admission place)").tag("path", path).register(registry);
        Gauge.builder("rr.kafka.worker.paused", worker, w -> w.state() == JobWorker.State.PAUSED ? 1 : 0)
                .description("1 while consumption is paused because the service is full").tag("path", path)
                .register(registry);
        Gauge.builder("rr.kafka.worker.buffered", worker, JobWorker::buffered)
                .description("finished jobs waiting for their transaction (behind an unfinished one, or the next commit)")
                .tag("path", path).register(registry);
    }

    void committed(List<Output> outputs, long nanos) {
        commit.record(nanos, TimeUnit.NANOSECONDS);
        committed.increment();
        for (Output o : outputs) {
            Counter.builder("rr.kafka.worker.outputs").description("records committed by the worker, by kind")
                    .tag("path", path).tag("kind", o.kind().tag()).register(registry).increment();
        }
    }

    void aborted() {
        aborted.increment();
    }

    private Counter transactions(String outcome) {
        return Counter.builder("rr.kafka.worker.transactions").description("the worker's transactions by outcome")
                .tag("path", path).tag("outcome", outcome).register(registry);
    }
}
