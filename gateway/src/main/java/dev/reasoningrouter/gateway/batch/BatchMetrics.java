package dev.reasoningrouter.gateway.batch;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * Batch progress as gauges, read from the book when Prometheus scrapes: {@code rr.gateway.batches{status}} (batches
 * by status) and {@code rr.gateway.batch.requests{state}} (the requests of unfinished batches: answered, failed,
 * waiting).
 */
final class BatchMetrics {
    private static final List<String> STATUSES = List.of(StoredBatch.IN_PROGRESS, StoredBatch.COMPLETED, StoredBatch.FAILED,
            StoredBatch.CANCELLED, StoredBatch.EXPIRED);

    BatchMetrics(MeterRegistry registry, BatchService service, BatchBook book) {
        for (String status : STATUSES) {
            Gauge.builder("rr.gateway.batches", () -> book.all().stream().filter(b -> b.status().equals(status)).count())
                    .description("batches by status")
                    .tag("status", status)
                    .register(registry);
        }
        Gauge.builder("rr.gateway.batch.requests", () -> sum(book, service, State.COMPLETED))
                .description("requests of unfinished batches, by state").tag("state", "completed").register(registry);
        Gauge.builder("rr.gateway.batch.requests", () -> sum(book, service, State.FAILED))
                .description("requests of unfinished batches, by state").tag("state", "failed").register(registry);
        Gauge.builder("rr.gateway.batch.requests", () -> sum(book, service, State.WAITING))
                .description("requests of unfinished batches, by state").tag("state", "waiting").register(registry);
    }

    private enum State { COMPLETED, FAILED, WAITING }

    private static double sum(BatchBook book, BatchService service, State state) {
        double total = 0;
        for (StoredBatch b : book.unfinished()) {
            BatchBook.Progress p = service.progress(b);
            total += switch (state) {
                case COMPLETED -> p.completed();
                case FAILED -> p.failed();
                case WAITING -> b.valid() - p.answered();
            };
        }
        return total;
    }
}
