package dev.reasoningrouter.gateway.batch;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BatchProperties.class)
class BatchConfiguration {

    @Bean
    BatchLines batchLines(JsonMapper json) {
        return new BatchLines(json);
    }

    @Bean
    BatchBook batchBook(BatchLines lines) {
        BatchBook[] self = new BatchBook[1];
        self[0] = new BatchBook(batch -> BatchService.requestIds(self[0], lines, batch));
        return self[0];
    }

    @Bean
    BatchLog batchLog(KafkaProperties kafka, BatchBook book) {
        return new BatchLog(kafka, book);
    }

    @Bean
    BatchService batchService(BatchProperties properties, BatchBook book, BatchLog kafkaLog, BatchLines lines, JsonMapper json) {
        BatchService service = new BatchService(properties, book, kafkaLog, lines, json, Clock.systemUTC());
        kafkaLog.listener(new BatchLog.Listener() {
            @Override
            public void caughtUp() {
                service.sweep();
            }

            @Override
            public void result(String batchId) {
                service.advance(batchId);
            }
        });
        return service;
    }

    /** The periodic check for batches that completed or expired (results also move them on as they arrive). */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService batchSweeper(BatchService service, BatchProperties properties) {
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("rr-batch-sweep").daemon(true).factory());
        long every = properties.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(service::sweep, every, every, TimeUnit.MILLISECONDS);
        return sweeper;
    }

    @Bean
    BatchHandler batchHandler(BatchService service, JsonMapper json) {
        return new BatchHandler(service, json);
    }

    @Bean
    @Order(0) // before the /v1/** fallback (ApiEndpoints)
    RouterFunction<ServerResponse> batchRoutes(BatchHandler handler) {
        return handler.routes();
    }

    @Bean
    BatchMetrics batchMetrics(MeterRegistry registry, BatchService service, BatchBook book) {
        return new BatchMetrics(registry, service, book);
    }

    /** UP once the batch state has been read back from Kafka; UNKNOWN until then (the chat API works meanwhile). */
    @Bean
    HealthIndicator batchStore(BatchLog kafkaLog) {
        return () -> kafkaLog.ready() ? Health.up().build() : Health.unknown().withDetail("reason", kafkaLog.problem()).build();
    }
}
