package dev.reasoningrouter.gateway.batch;

import dev.reasoningrouter.contracts.InferenceResult;
import dev.reasoningrouter.contracts.StageClients;
import dev.reasoningrouter.contracts.Topics;
import dev.reasoningrouter.contracts.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;

/**
 * The batch state's log on Kafka. Writes go out in Kafka transactions (a batch's record, all its requests on
 * {@code rr.requests} and its validation file commit together or not at all). A follower thread reads
 * {@code rr.files}, {@code rr.batches} and {@code rr.results} from the beginning ({@code read_committed}, every
 * partition, no consumer group: each gateway replica sees everything), rebuilds the {@link BatchBook} and then keeps
 * it current; until it has caught up with the end of the log the batch endpoints are not ready.
 */
public final class BatchLog implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(BatchLog.class);
    private static final List<String> TOPICS = List.of(Topics.FILES, Topics.BATCHES, Topics.RESULTS);

    /** What the follower reports. */
    public interface Listener {
        /** The book holds everything that was in the log at start-up. */
        void caughtUp();

        /** A result of one of the book's batches came in (after catching up). */
        void result(String batchId);
    }

    private final KafkaProperties kafka;
    private final BatchBook book;
    private final WireCodec codec = new WireCodec();
    private final String transactionalId = "rr-gateway-batches-" + UUID.randomUUID();
    private volatile Listener listener = new Listener() {
        @Override
        public void caughtUp() {}

        @Override
        public void result(String batchId) {}
    };

    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile String problem = "reading the batch state from Kafka";
    private volatile KafkaConsumer<String, String> consumer;
    private KafkaProducer<String, String> producer;
    private Thread follower;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public BatchLog(KafkaProperties kafka, BatchBook book) {
        this.kafka = kafka;
        this.book = book;
    }

    public void listener(Listener listener) {
        this.listener = listener;
    }

    /** True once the book holds everything that was in the log at start-up. */
    public boolean ready() {
        return caughtUp;
    }

    /** Why the book is not ready yet. */
    public String problem() {
        return problem;
    }

    /** Writes {@code records} in one transaction; throws when it did not commit (nothing of it is visible then). */
    public synchronized void write(List<ProducerRecord<String, String>> records) {
        if (producer == null) {
            producer = new KafkaProducer<>(producerConfig());
            producer.initTransactions();
        }
        producer.beginTransaction();
        try {
            for (ProducerRecord<String, String> r : records) {
                producer.send(r);
            }
            producer.commitTransaction();
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                producer.close(Duration.ZERO);
                producer = null; // a fenced or broken producer is replaced on the next write
            }
            throw e;
        }
    }

    public ProducerRecord<String, String> record(String topic, String key, Object value) {
        return new ProducerRecord<>(topic, key, codec.encode(value));
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        follower = Thread.ofPlatform().name("rr-batch-log").daemon(true).start(this::follow);
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            stopped.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
                producer = null;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void follow() {
        try {
            while (running) {
                try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerConfig())) {
                    consumer = c;
                    followWith(c);
                } catch (WakeupException e) {
                    return;
                } catch (RuntimeException e) {
                    if (!running) {
                        return;
                    }
                    problem = "the batch state cannot be read from Kafka: " + e.getMessage();
                    log.warn("{}; retrying in 2 s", problem);
                    sleep(2000);
                } finally {
                    consumer = null;
                }
            }
        } finally {
            stopped.countDown();
        }
    }

    private void followWith(KafkaConsumer<String, String> c) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : TOPICS) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist yet");
            }
            infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        c.assign(partitions);
        c.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = caughtUp ? Map.of() : new HashMap<>(c.endOffsets(partitions, Duration.ofSeconds(10)));
        // while rebuilding, results wait until every batch is known: the topics are read side by side, in no order
        List<InferenceResult> heldResults = new ArrayList<>();
        while (running) {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                apply(r, caughtUp ? null : heldResults);
            }
            if (!caughtUp && end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                heldResults.forEach(book::putResult);
                heldResults.clear();
                caughtUp = true;
                problem = null;
                log.info("batch state read back from Kafka: {} batch(es)", book.all().size());
                listener.caughtUp();
            }
        }
    }

    private void apply(ConsumerRecord<String, String> r, List<InferenceResult> hold) {
        if (r.value() == null) {
            return; // a tombstone
        }
        try {
            switch (r.topic()) {
                case Topics.FILES -> {
                    if (r.key() != null && r.key().contains("/")) {
                        book.putChunk(codec.decode(r.value(), FileChunk.class));
                    } else {
                        book.putFile(codec.decode(r.value(), StoredFile.class));
                    }
                }
                case Topics.BATCHES -> book.putBatch(codec.decode(r.value(), StoredBatch.class));
                case Topics.RESULTS -> {
                    InferenceResult result = codec.decode(r.value(), InferenceResult.class);
                    if (result.batchId() == null) {
                        return;
                    }
                    if (hold != null) {
                        hold.add(result);
                    } else if (book.putResult(result)) {
                        listener.result(result.batchId());
                    }
                }
                default -> { }
            }
        } catch (WireCodec.MalformedRecordException e) {
            log.warn("skipping a malformed record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> p = new HashMap<>(kafka.buildConsumerProperties());
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return p;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> p = StageClients.transactionalProducer(kafka.buildProducerProperties(), transactionalId);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576);
        return p;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
