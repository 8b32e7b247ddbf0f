package dev.reasoningrouter.classifier.routing;

import dev.reasoningrouter.classifier.ClassifierMetrics;
import dev.reasoningrouter.classifier.ClassifierProperties;
import dev.reasoningrouter.classifier.model.Classification;
import dev.reasoningrouter.classifier.model.ComplexityClassifier;
import dev.reasoningrouter.contracts.DeadLetter;
import dev.reasoningrouter.contracts.DeadLetters;
import dev.reasoningrouter.contracts.InferenceJob;
import dev.reasoningrouter.contracts.InferenceRequest;
import dev.reasoningrouter.contracts.RecordLimit;
import dev.reasoningrouter.contracts.RouteDecision;
import dev.reasoningrouter.contracts.StageClients;
import dev.reasoningrouter.contracts.Topics;
import dev.reasoningrouter.contracts.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;

/**
 * The batch path's routing stage: consumes {@code rr.requests}, classifies each request and produces it
 * as an {@link InferenceJob} on {@code rr.jobs.fast} or {@code rr.jobs.reasoning}; records it cannot
 * use go to {@code rr.dlq} as a {@link DeadLetter} with the reason and the original payload.
 *
 * <p>Exactly once: every poll is one Kafka transaction holding the jobs, the dead letters and the
 * consumer offsets (consume-transform-produce, {@code sendOffsetsToTransaction} with the group's
 * metadata). Either all of a batch's outputs and its offsets commit, or none do and the batch is read
 * again; downstream consumers read with {@code isolation.level=read_committed}. A stop aborts the
 * transaction in flight rather than finishing it, which is what a crash would do too.
 */
public final class RoutingStage implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(RoutingStage.class);
    public static final String STAGE = "classifier";
    /** Metadata key of a per-request route threshold. */
    public static final String THRESHOLD_METADATA = "rr_threshold";

    private final ComplexityClassifier classifier;
    private final ClassifierMetrics metrics;
    private final WireCodec codec;
    private final KafkaProperties kafka;
    private final ClassifierProperties.Kafka settings;

    /** The largest job this stage produces ({@link RecordLimit}); a larger one is dead-lettered instead. */
    static final int MAX_RECORD_BYTES = RecordLimit.MAX_BYTES;

    private volatile boolean running;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread worker;
    private CountDownLatch stopped = new CountDownLatch(0);
    /** Called after each record is handed to the producer; a seam for tests that stop the stage mid-batch. */
    private volatile Runnable afterSend = () -> {};
    private final java.util.concurrent.atomic.AtomicLong aborted = new java.util.concurrent.atomic.AtomicLong();

    public RoutingStage(ComplexityClassifier classifier, ClassifierMetrics metrics, WireCodec codec,
                        KafkaProperties kafka, ClassifierProperties.Kafka settings) {
        this.classifier = classifier;
        this.metrics = metrics;
        this.codec = codec;
        this.kafka = kafka;
        this.settings = settings;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        stopped = new CountDownLatch(1);
        worker = Thread.ofPlatform().name("rr-classifier-routing").start(this::runLoop);
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                log.warn("routing stage did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Transactions this instance aborted (a stop mid-batch, a failed commit) since it was created. */
    public long abortedTransactions() {
        return aborted.get();
    }

    void afterSend(Runnable hook) {
        this.afterSend = hook == null ? () -> {} : hook;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void runLoop() {
        try {
            while (running) {
                try {
                    session();
                } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException e) {
                    // Another instance with our transactional id took over: this one must not write again.
                    log.error("routing stage fenced by a newer instance, stopping: {}", e.getMessage());
                    running = false;
                } catch (WakeupException e) {
                    // stop() woke the consumer
                } catch (RuntimeException e) {
                    if (running) {
                        log.warn("routing stage session failed, reconnecting in 1 s", e);
                        sleep(1000);
                    }
                }
            }
        } finally {
            stopped.countDown();
        }
    }

    /** One consumer + transactional producer pair, until stopped or a fatal error. */
    private void session() {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerConfig());
             KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig())) {
            consumer = c;
            producer.initTransactions();
            c.subscribe(List.of(settings.requestsTopic()));
            log.info("routing stage consuming {} as group {} (transactional id {})",
                    settings.requestsTopic(), settings.groupId(), settings.transactionalId());
            while (running) {
                ConsumerRecords<String, String> records = c.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                processBatch(c, producer, records);
            }
        } finally {
            consumer = null;
        }
    }

    private void processBatch(KafkaConsumer<String, String> c, KafkaProducer<String, String> producer,
                              ConsumerRecords<String, String> records) {
        producer.beginTransaction();
        try {
            for (ConsumerRecord<String, String> record : records) {
                if (!running) {
                    throw new StopRequested();
                }
                producer.send(route(record));
                afterSend.run();
            }
            if (!running) {
                throw new StopRequested();
            }
            producer.sendOffsetsToTransaction(nextOffsets(records), c.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException e) {
            throw e; // the producer is unusable; closing it is all that is left
        } catch (StopRequested | KafkaException e) {
            producer.abortTransaction();
            aborted.incrementAndGet();
            metrics.abortedTransaction(STAGE);
            if (e instanceof StopRequested) {
                log.info("routing stage stopping: aborted the transaction in flight ({} records will be read again)", records.count());
                return;
            }
            log.warn("transaction aborted, re-reading the batch: {}", e.toString());
            rewind(c, records);
        }
    }

    /** The output record for one input: a job, or a dead letter. Never throws for a bad record. */
    ProducerRecord<String, String> route(ConsumerRecord<String, String> record) {
        InferenceRequest request;
        try {
            request = codec.decode(record.value(), InferenceRequest.class);
        } catch (WireCodec.MalformedRecordException e) {
            return deadLetter(record, e.getMessage());
        }
        if (request.requestId() == null || request.requestId().isBlank()) {
            return deadLetter(record, "requestId is missing");
        }
        String text = request.lastUserText();
        if (text == null || text.isBlank()) {
            return deadLetter(record, "no user message with text to classify");
        }
        Double threshold;
        try {
            threshold = requestThreshold(request);
        } catch (IllegalArgumentException e) {
            return deadLetter(record, e.getMessage());
        }
        Classification c;
        try {
            c = classifier.classify(text, threshold);
        } catch (RuntimeException e) {
            return deadLetter(record, "classification failed: " + e.getMessage());
        }
        metrics.record(c, "kafka");
        RouteDecision decision = c.toDecision();
        String topic = RouteDecision.REASONING.equals(decision.route()) ? Topics.JOBS_REASONING : Topics.JOBS_FAST;
        String value = codec.encode(new InferenceJob(request, decision, null));
        int bytes = RecordLimit.bytes(value);
        if (bytes > MAX_RECORD_BYTES) {
            return deadLetter(record, "the job would be " + bytes + " bytes, over the " + MAX_RECORD_BYTES
                    + "-byte record limit; shorten the request");
        }
        ProducerRecord<String, String> job = new ProducerRecord<>(topic, request.requestId(), value);
        job.headers().add("rr-route", decision.route().getBytes(StandardCharsets.UTF_8));
        job.headers().add("rr-classified-at-ms", Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
        return job;
    }

    /** A per-request threshold in {@code metadata.rr_threshold}, as the REST API's {@code threshold}; null if absent. */
    private static Double requestThreshold(InferenceRequest request) {
        String raw = request.metadata() == null ? null : request.metadata().get(THRESHOLD_METADATA);
        if (raw == null) {
            return null;
        }
        try {
            double t = Double.parseDouble(raw.trim());
            if (t >= 0 && t <= 1) {
                return t;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("metadata." + THRESHOLD_METADATA + " must be a number in [0, 1], got '" + raw + "'");
    }

    private ProducerRecord<String, String> deadLetter(ConsumerRecord<String, String> record, String reason) {
        metrics.deadLetter(STAGE);
        return DeadLetters.of(codec, STAGE, record, reason);
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, String> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<String, String>> part = records.records(tp);
            offsets.put(tp, new OffsetAndMetadata(part.getLast().offset() + 1));
        }
        return offsets;
    }

    /** After an abort the consumer's position is past the batch; go back to its first record per partition. */
    private static void rewind(KafkaConsumer<String, String> c, ConsumerRecords<String, String> records) {
        for (TopicPartition tp : records.partitions()) {
            if (c.assignment().contains(tp)) {
                c.seek(tp, records.records(tp).getFirst().offset());
            }
        }
    }

    private Map<String, Object> consumerConfig() {
        return StageClients.consumer(kafka.buildConsumerProperties(), settings.groupId(), settings.maxPollRecords());
    }

    private Map<String, Object> producerConfig() {
        return StageClients.transactionalProducer(kafka.buildProducerProperties(), settings.transactionalId());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A stop arrived in the middle of a batch: abort its transaction. */
    private static final class StopRequested extends RuntimeException {
        StopRequested() {
            super("stop requested", null, false, false);
        }
    }
}
