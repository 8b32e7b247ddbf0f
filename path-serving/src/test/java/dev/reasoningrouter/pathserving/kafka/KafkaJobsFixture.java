package dev.reasoningrouter.pathserving.kafka;

import dev.reasoningrouter.contracts.ChatMessage;
import dev.reasoningrouter.contracts.InferenceJob;
import dev.reasoningrouter.contracts.InferenceRequest;
import dev.reasoningrouter.contracts.RouteDecision;
import dev.reasoningrouter.contracts.WireCodec;
import dev.reasoningrouter.kafka.KafkaTestBroker;
import dev.reasoningrouter.pathserving.TinyModel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The path services' Kafka tests' side of the broker: topics of their own, jobs produced as the classifier's routing
 * stage produces them, and every record of a topic read back {@code read_committed} (all of them, so that a duplicate
 * shows as one record too many).
 */
public final class KafkaJobsFixture implements AutoCloseable {
    public static final WireCodec CODEC = new WireCodec();

    private final String bootstrap;
    private final KafkaProducer<String, String> producer;

    public KafkaJobsFixture(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        this.producer = new KafkaProducer<>(p);
    }

    /** Creates topics with the given partitions unless they exist. */
    public static void createTopics(String bootstrap, int partitions, String... names) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (String name : names) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create " + name, e);
                    }
                }
            }
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
    }

    /**
     * The settings a path service's Kafka test runs with: the test broker, a fresh tiny model on one thread, a few
     * tokens per answer, the worker on {@code jobsTopic} in {@code groupId} as {@code instanceId}, quick commits.
     * The topics are created first, with {@code partitions} each.
     */
    public static Map<String, String> serviceProperties(String jobsTopic, String groupId, String instanceId, int partitions,
                                                        String... moreTopics) {
        String bootstrap = KafkaTestBroker.bootstrapServers();
        List<String> topics = new ArrayList<>(List.of(jobsTopic));
        topics.addAll(List.of(moreTopics));
        createTopics(bootstrap, partitions, topics.toArray(String[]::new));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("spring.kafka.bootstrap-servers", bootstrap);
        p.put("rr.model.path", TinyModel.file().toString());
        p.put("rr.model.threads", "1");
        p.put("rr.generation.max-tokens-limit", "64");
        p.put("rr.generation.default-max-tokens", "4");
        p.put("rr.kafka.jobs.topic", jobsTopic);
        p.put("rr.kafka.jobs.group-id", groupId);
        p.put("rr.kafka.jobs.instance-id", instanceId);
        p.put("rr.kafka.jobs.commit-interval", "100ms");
        return p;
    }

    /** Registers {@code properties} for a {@code @SpringBootTest}. */
    public static void register(DynamicPropertyRegistry registry, Map<String, String> properties) {
        properties.forEach((k, v) -> registry.add(k, () -> v));
    }

    /** A job as the routing stage writes it: one user message, greedy, a few tokens. */
    public static InferenceJob job(String requestId, String batchId, String text, int maxTokens) {
        return new InferenceJob(request(requestId, batchId, text, maxTokens, 0.0), decision(RouteDecision.FAST), null);
    }

    public static InferenceRequest request(String requestId, String batchId, String text, Integer maxTokens, Double temperature) {
        return new InferenceRequest(requestId, batchId, batchId == null ? null : "line-" + requestId, null,
                List.of(new ChatMessage("user", text)), maxTokens, temperature, null, 7L, Map.of(), System.currentTimeMillis());
    }

    public static RouteDecision decision(String route) {
        return new RouteDecision(route, RouteDecision.REASONING.equals(route) ? 0.9 : 0.1, 0.5, "chat", 0.8, "test", 1.0);
    }

    /** Sends a record and waits for the broker to take it; returns where it went. */
    public RecordMetadata send(String topic, String key, String value) {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }

    public RecordMetadata send(String topic, InferenceJob job) {
        return send(topic, job.request().requestId(), CODEC.encode(job));
    }

    /**
     * Reads {@code topic} from its beginning ({@code read_committed}) until {@code enough} holds for the records that
     * pass {@code filter}, or {@code max} passes; then reads on for {@code linger} so that a late duplicate shows.
     */
    public List<ConsumerRecord<String, String>> read(String topic, Predicate<ConsumerRecord<String, String>> filter,
                                                     Predicate<List<ConsumerRecord<String, String>>> enough, Duration max,
                                                     Duration linger) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + max.toNanos();
            long lingerEnd = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, lingerEnd)) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    if (filter.test(r)) {
                        seen.add(r);
                    }
                }
                if (lingerEnd == Long.MAX_VALUE && enough.test(seen)) {
                    lingerEnd = System.nanoTime() + linger.toNanos();
                }
            }
        }
        return seen;
    }

    /** All records of {@code topic} whose key starts with {@code prefix}, once there are {@code count} of them. */
    public List<ConsumerRecord<String, String>> readKeys(String topic, String prefix, int count, Duration max) {
        return read(topic, r -> r.key() != null && r.key().startsWith(prefix), rs -> rs.size() >= count, max,
                Duration.ofSeconds(1));
    }

    public static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
