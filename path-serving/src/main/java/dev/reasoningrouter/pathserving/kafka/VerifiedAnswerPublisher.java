package dev.reasoningrouter.pathserving.kafka;

import dev.reasoningrouter.contracts.RecordLimit;
import dev.reasoningrouter.contracts.Topics;
import dev.reasoningrouter.contracts.VerifiedAnswer;
import dev.reasoningrouter.contracts.WireCodec;
import dev.reasoningrouter.pathserving.core.Completion;
import dev.reasoningrouter.pathserving.core.CompletionJob;
import dev.reasoningrouter.pathserving.core.PathProfile;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the accepted answers of HTTP requests on {@code rr.verified} (the learner/critic data loop) through a
 * plain idempotent producer. Kafka jobs do not come here: their verified answers travel in the worker's transaction.
 *
 * <p>It never fails or slows a response: the record is handed to one sender thread through a bounded queue and
 * sent from there (a producer's {@code send} may block while the broker is unreachable). A record the broker does
 * not take in time, or one that finds the queue full, is logged as not published and counted
 * ({@code rr_kafka_verified_total{outcome=published|failed|dropped}}).
 */
public final class VerifiedAnswerPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VerifiedAnswerPublisher.class);
    private static final int QUEUE = 1024;

    private final KafkaProducer<String, String> producer;
    private final WireCodec codec;
    private final PathProfile profile;
    private final ThreadPoolExecutor sender;
    private final Counter published;
    private final Counter failed;
    private final Counter dropped;

    /** @param base the service's producer settings (bootstrap servers, ...) */
    public VerifiedAnswerPublisher(Map<String, Object> base, WireCodec codec, PathProfile profile, MeterRegistry registry) {
        Map<String, Object> p = new HashMap<>(base);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        this.producer = new KafkaProducer<>(p);
        this.codec = codec;
        this.profile = profile;
        this.published = outcome(registry, "published");
        this.failed = outcome(registry, "failed");
        this.dropped = outcome(registry, "dropped");
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE),
                Thread.ofPlatform().daemon().name("rr-verified-publisher").factory(), (task, executor) -> {
                    dropped.increment();
                    log.warn("verified answer not published: {} are already waiting for the broker", QUEUE);
                });
    }

    /** Publishes the completion's answer if its critic accepted it; returns at once and never throws. */
    public void publish(CompletionJob job, Completion c) {
        try {
            VerifiedAnswer v = VerifiedAnswers.of(job.id(), job.source(), VerifiedAnswers.messages(job.messages()), profile, c);
            if (v == null) {
                return;
            }
            String value = codec.encode(v);
            if (!RecordLimit.fits(value)) {
                dropped.increment();
                log.warn("verified answer to {} not published: {} bytes is over the record limit", job.id(), RecordLimit.bytes(value));
                return;
            }
            sender.execute(() -> send(job.id(), value));
        } catch (RuntimeException e) {
            failed.increment();
            log.warn("verified answer to {} not published: {}", job.id(), e.toString());
        }
    }

    private void send(String id, String value) {
        try {
            producer.send(new ProducerRecord<>(Topics.VERIFIED, id, value), (metadata, error) -> {
                if (error == null) {
                    published.increment();
                } else {
                    failed.increment();
                    log.warn("verified answer to {} not published: {}", id, error.toString());
                }
            });
        } catch (RuntimeException e) {
            failed.increment();
            log.warn("verified answer to {} not published: {}", id, e.toString());
        }
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }

    private static Counter outcome(MeterRegistry registry, String outcome) {
        return Counter.builder("rr.kafka.verified").description("accepted HTTP answers for rr.verified, by outcome")
                .tag("source", "http").tag("outcome", outcome).register(registry);
    }
}
