package dev.reasoningrouter.fastpath.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.contracts.DeadLetter;
import dev.reasoningrouter.contracts.InferenceJob;
import dev.reasoningrouter.contracts.InferenceResult;
import dev.reasoningrouter.contracts.Topics;
import dev.reasoningrouter.fastpath.FastPathApplication;
import dev.reasoningrouter.pathserving.core.Admission;
import dev.reasoningrouter.pathserving.kafka.JobRecords;
import dev.reasoningrouter.pathserving.kafka.JobWorker;
import dev.reasoningrouter.pathserving.kafka.KafkaJobsFixture;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fast path's Kafka worker in the real service (tiny model, real broker, a jobs topic of its own with three
 * partitions): every job gets exactly one result, bad jobs get error results or dead letters, a full service pauses
 * consumption and loses nothing, and two replicas split the topic, one of them killed half-way.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class FastPathJobsTest {
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String JOBS = "rr.jobs.fast.test-" + RUN;
    static final String TRANSACTIONAL_PREFIX = "rr-fast-path";
    static final Map<String, String> PROPERTIES = properties();

    static Map<String, String> properties() {
        Map<String, String> p = KafkaJobsFixture.serviceProperties(JOBS, "rr-fast-path-test-" + RUN, "a-" + RUN, 3);
        p.put("rr.model.max-batch", "4");
        p.put("rr.serving.max-queued", "4");
        p.put("rr.kafka.jobs.transactional-id-prefix", TRANSACTIONAL_PREFIX);
        p.put("rr.kafka.jobs.shutdown-grace", "5s");
        p.put("rr.kafka.escalate", "false");
        return p;
    }

    @DynamicPropertySource
    static void register(DynamicPropertyRegistry r) {
        KafkaJobsFixture.register(r, PROPERTIES);
    }

    @Autowired
    JobWorker worker;
    @Autowired
    Admission admission;
    @Autowired
    MeterRegistry registry;

    final KafkaJobsFixture kafka = new KafkaJobsFixture(PROPERTIES.get("spring.kafka.bootstrap-servers"));
    final JsonMapper json = JsonMapper.builder().build();

    @AfterEach
    void closeClients() {
        kafka.close();
    }

    /** Other replicas of the service, started by tests (closed at the end). */
    static final List<ConfigurableApplicationContext> replicas = new ArrayList<>();

    @AfterAll
    static void stopReplicas() {
        replicas.forEach(ConfigurableApplicationContext::close);
    }

    /** Another replica of the fast path in the same consumer group: a second application context. */
    static ConfigurableApplicationContext replica(String instance, int maxInFlight) {
        Map<String, String> props = new HashMap<>(PROPERTIES);
        props.put("rr.kafka.jobs.instance-id", instance);
        props.put("rr.kafka.jobs.max-in-flight", Integer.toString(maxInFlight));
        // as command-line arguments: they take precedence over application.yml, as the test's own properties do
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(FastPathApplication.class)
                .web(WebApplicationType.NONE).run(args);
        replicas.add(context);
        return context;
    }

    static double committedResults(ConfigurableApplicationContext context) {
        var counter = context.getBean(MeterRegistry.class).find("rr.kafka.worker.outputs").tag("kind", "result").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void everyJobGetsExactlyOneResultAndBadRecordsAreAnsweredOrDeadLettered() throws Exception {
        String batch = "batch-" + RUN + "-a";
        String id = "a-" + RUN + "-";
        Map<String, InferenceJob> jobs = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            jobs.put(id + i, KafkaJobsFixture.job(id + i, batch, "Question " + i + ": what is " + i + " plus " + i + "?", 2 + i % 3));
        }
        InferenceJob tooHot = new InferenceJob(KafkaJobsFixture.request(id + "hot", batch, "hi", 4, 5.0),
                KafkaJobsFixture.decision("fast"), null);
        InferenceJob tooLong = new InferenceJob(KafkaJobsFixture.request(id + "long", batch, "hi", 1000, null),
                KafkaJobsFixture.decision("fast"), null);
        Map<String, String> poison = new LinkedHashMap<>();
        poison.put(id + "poison-0", "{this is not json");
        poison.put(id + "poison-1", "[1, 2, 3]");
        poison.put(id + "poison-2", "{\"request\":{\"batchId\":\"" + batch + "\",\"messages\":[],\"createdAtMs\":1}}");

        List<String> ids = new ArrayList<>(jobs.keySet());
        for (int i = 0; i < 15; i++) {
            kafka.send(JOBS, jobs.get(ids.get(i)));
        }
        kafka.send(JOBS, id + "poison-0", poison.get(id + "poison-0"));
        kafka.send(JOBS, tooHot);
        for (int i = 15; i < 30; i++) {
            kafka.send(JOBS, jobs.get(ids.get(i)));
            if (i == 20) {
                kafka.send(JOBS, id + "poison-1", poison.get(id + "poison-1"));
            }
        }
        kafka.send(JOBS, id + "poison-2", poison.get(id + "poison-2"));
        kafka.send(JOBS, tooLong);

        List<ConsumerRecord<String, String>> results = kafka.readKeys(Topics.RESULTS, batch + "/", 32, Duration.ofSeconds(120));
        assertThat(results).as("one result per job, no duplicates (records counted)").hasSize(32);
        assertThat(results.stream().map(ConsumerRecord::key).collect(Collectors.toSet())).hasSize(32);
        for (ConsumerRecord<String, String> record : results) {
            JsonNode value = json.readTree(record.value());
            InferenceResult r = KafkaJobsFixture.CODEC.decode(record.value(), InferenceResult.class);
            assertThat(record.key()).isEqualTo(batch + "/line-" + r.requestId());
            assertThat(KafkaJobsFixture.header(record, JobRecords.PATH_HEADER)).isEqualTo("fast");
            assertThat(KafkaJobsFixture.header(record, JobRecords.INSTANCE_HEADER)).isEqualTo(TRANSACTIONAL_PREFIX + "-a-" + RUN);
            assertThat(r.path()).isEqualTo("fast");
            assertThat(r.escalatedFrom()).isNull();
            JsonNode body = value.get("body");
            if (jobs.containsKey(r.requestId())) {
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.isError()).isFalse();
                assertThat(body.get("object").asString()).isEqualTo("chat.completion");
                assertThat(body.get("id").asString()).isEqualTo("chatcmpl-" + r.requestId());
                assertThat(body.get("model").asString()).isEqualTo(r.model());
                JsonNode choice = body.get("choices").get(0);
                assertThat(choice.get("message").get("role").asString()).isEqualTo("assistant");
                assertThat(choice.get("message").get("content").asString()).isEqualTo(r.content());
                assertThat(choice.get("finish_reason").asString()).isEqualTo(r.finishReason());
                int maxTokens = jobs.get(r.requestId()).request().maxTokens();
                assertThat(r.completionTokens()).isBetween(1, maxTokens);
                assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(r.completionTokens());
                assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(r.promptTokens()).isGreaterThan(3);
                assertThat(body.get("rr").get("path").asString()).isEqualTo("fast");
                assertThat(body.get("rr").get("confidence").asDouble()).isBetween(0.0, 1.0);
                assertThat(body.get("rr").get("escalate").has("suggested")).isTrue();
            } else {
                assertThat(r.statusCode()).isEqualTo(400);
                assertThat(r.content()).isNull();
                JsonNode error = body.get("error");
                assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
                assertThat(error.get("message").asString()).isEqualTo(r.error());
                assertThat(error.get("param").asString()).isEqualTo(r.requestId().endsWith("hot") ? "temperature" : "max_tokens");
                assertThat(r.errorCode()).isEqualTo("invalid_value");
            }
        }

        List<ConsumerRecord<String, String>> dead = kafka.readKeys(Topics.DLQ, id + "poison-", 3, Duration.ofSeconds(30));
        assertThat(dead).hasSize(3);
        for (ConsumerRecord<String, String> record : dead) {
            DeadLetter letter = KafkaJobsFixture.CODEC.decode(record.value(), DeadLetter.class);
            assertThat(letter.payload()).isEqualTo(poison.get(record.key()));
            assertThat(letter.stage()).isEqualTo("fast-path");
            assertThat(letter.sourceTopic()).isEqualTo(JOBS);
            assertThat(letter.reason()).isNotBlank();
        }
        Map<String, String> reasons = dead.stream().collect(Collectors.toMap(ConsumerRecord::key,
                r -> KafkaJobsFixture.CODEC.decode(r.value(), DeadLetter.class).reason()));
        assertThat(reasons.get(id + "poison-0")).contains("not a valid InferenceJob");
        assertThat(reasons.get(id + "poison-2")).contains("requestId");

        assertThat(registry.get("rr.kafka.worker.outputs").tag("kind", "result").counter().count()).isGreaterThanOrEqualTo(30);
        assertThat(registry.get("rr.kafka.worker.outputs").tag("kind", "dead_letter").counter().count()).isGreaterThanOrEqualTo(3);
        assertThat(registry.get("rr.generation.requests").tag("source", "kafka").counter().count()).isGreaterThanOrEqualTo(30);
        await(() -> worker.inFlight() == 0 && worker.buffered() == 0, Duration.ofSeconds(10));
        assertThat(worker.state()).isEqualTo(JobWorker.State.CONSUMING);
    }

    @Test
    void aFullServicePausesConsumptionAndLosesNothing() throws Exception {
        String batch = "batch-" + RUN + "-b";
        List<Admission.Place> held = new ArrayList<>();
        try {
            for (Admission.Place p = admission.tryAdmit(); p != null; p = admission.tryAdmit()) {
                held.add(p); // as if HTTP requests took every place
            }
            await(() -> worker.state() == JobWorker.State.PAUSED, Duration.ofSeconds(10));
            for (int i = 0; i < 6; i++) {
                kafka.send(JOBS, KafkaJobsFixture.job("b-" + RUN + "-" + i, batch, "Say something about " + i, 3));
            }
            List<ConsumerRecord<String, String>> meanwhile = kafka.read(Topics.RESULTS, r -> r.key().startsWith(batch + "/"),
                    rs -> false, Duration.ofSeconds(2), Duration.ZERO);
            assertThat(meanwhile).as("nothing runs while the service is full").isEmpty();
            assertThat(worker.state()).isEqualTo(JobWorker.State.PAUSED);
            assertThat(worker.inFlight()).isZero();
            assertThat(registry.get("rr.kafka.worker.paused").gauge().value()).isEqualTo(1.0);
        } finally {
            held.forEach(Admission.Place::close);
        }
        List<ConsumerRecord<String, String>> results = kafka.readKeys(Topics.RESULTS, batch + "/", 6, Duration.ofSeconds(60));
        assertThat(results).hasSize(6);
        assertThat(results.stream().map(ConsumerRecord::key).collect(Collectors.toSet())).hasSize(6);
        assertThat(worker.state()).isNotEqualTo(JobWorker.State.PAUSED);
    }

    @Test
    void twoReplicasSplitTheTopicAndTheSurvivorFinishesTheWorkOfOneKilledHalfWay() throws Exception {
        String batch = "batch-" + RUN + "-c";
        // slower (one job at a time), so that it is killed with work left
        JobWorker other = replica("b-" + RUN, 1).getBean(JobWorker.class);
        await(() -> !worker.assignment().isEmpty() && !other.assignment().isEmpty()
                && worker.assignment().size() + other.assignment().size() == 3, Duration.ofSeconds(60));
        Set<TopicPartition> otherPartitions = Set.copyOf(other.assignment());
        assertThat(otherPartitions).doesNotContainAnyElementsOf(worker.assignment());

        int n = 45;
        Map<String, Integer> partitionOf = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String id = "c-" + RUN + "-" + i;
            RecordMetadata m = kafka.send(JOBS, KafkaJobsFixture.job(id, batch, "Tell me about the number " + i, 8));
            partitionOf.put(id, m.partition());
        }
        long onOther = partitionOf.values().stream().filter(p -> otherPartitions.contains(new TopicPartition(JOBS, p))).count();
        assertThat(onOther).as("the keys spread over the partitions").isPositive();

        String otherId = TRANSACTIONAL_PREFIX + "-b-" + RUN;
        String mine = TRANSACTIONAL_PREFIX + "-a-" + RUN;
        // kill the second replica as soon as its first results are committed: it has work left
        kafka.read(Topics.RESULTS, r -> r.key().startsWith(batch + "/"),
                rs -> rs.stream().anyMatch(r -> otherId.equals(KafkaJobsFixture.header(r, JobRecords.INSTANCE_HEADER))),
                Duration.ofSeconds(60), Duration.ZERO);
        other.halt();
        assertThat(other.state()).isEqualTo(JobWorker.State.STOPPED);

        List<ConsumerRecord<String, String>> results = kafka.readKeys(Topics.RESULTS, batch + "/", n, Duration.ofSeconds(120));
        assertThat(results).as("exactly one result record per job").hasSize(n);
        Set<String> keys = new HashSet<>();
        results.forEach(r -> keys.add(r.key()));
        assertThat(keys).hasSize(n);
        Map<String, Long> byInstance = results.stream()
                .collect(Collectors.groupingBy(r -> KafkaJobsFixture.header(r, JobRecords.INSTANCE_HEADER), Collectors.counting()));
        assertThat(byInstance).containsOnlyKeys(mine, otherId);
        assertThat(byInstance.get(otherId)).as("the killed replica had work left").isLessThan(onOther);
        long finishedForOther = results.stream().filter(r -> mine.equals(KafkaJobsFixture.header(r, JobRecords.INSTANCE_HEADER)))
                .map(r -> KafkaJobsFixture.CODEC.decode(r.value(), InferenceResult.class).requestId())
                .filter(id -> otherPartitions.contains(new TopicPartition(JOBS, partitionOf.get(id)))).count();
        assertThat(finishedForOther).as("the survivor answered the jobs the killed one left").isPositive();
        await(() -> worker.assignment().size() == 3, Duration.ofSeconds(30));
    }

    @Test
    void aReplicaStoppedGracefullyFinishesItsRunningJobAndHandsBackTheRest() throws Exception {
        String batch = "batch-" + RUN + "-d";
        ConfigurableApplicationContext context = replica("d-" + RUN, 1);
        JobWorker other = context.getBean(JobWorker.class);
        await(() -> !other.assignment().isEmpty() && worker.assignment().size() + other.assignment().size() == 3,
                Duration.ofSeconds(60));
        int n = 30;
        for (int i = 0; i < n; i++) {
            kafka.send(JOBS, KafkaJobsFixture.job("d-" + RUN + "-" + i, batch, "Describe the colour number " + i, 64));
        }
        await(() -> other.inFlight() == 1, Duration.ofSeconds(60));
        double before = committedResults(context);
        other.stop(); // graceful: the running job finishes and commits, the rest goes back to the group
        assertThat(other.state()).isEqualTo(JobWorker.State.STOPPED);
        assertThat(other.inFlight()).isZero();
        assertThat(committedResults(context)).as("the job running at the stop was finished and committed")
                .isGreaterThanOrEqualTo(before + 1);
        var cancelled = context.getBean(MeterRegistry.class).find("rr.generation.requests").tag("source", "kafka")
                .tag("finish_reason", "cancelled").counter();
        assertThat(cancelled == null ? 0 : cancelled.count()).as("nothing cut short within the grace period").isZero();

        List<ConsumerRecord<String, String>> results = kafka.readKeys(Topics.RESULTS, batch + "/", n, Duration.ofSeconds(120));
        assertThat(results).hasSize(n);
        assertThat(results.stream().map(ConsumerRecord::key).collect(Collectors.toSet())).hasSize(n);
        long fromOther = results.stream()
                .filter(r -> (TRANSACTIONAL_PREFIX + "-d-" + RUN).equals(KafkaJobsFixture.header(r, JobRecords.INSTANCE_HEADER))).count();
        assertThat((double) fromOther).isEqualTo(committedResults(context));
    }

    @Test
    void aReplicaStartedAgainWithTheSameInstanceIdFencesTheOldOne() throws Exception {
        String batch = "batch-" + RUN + "-f";
        String instance = "f-" + RUN;
        JobWorker old = replica(instance, 1).getBean(JobWorker.class);
        await(() -> !old.assignment().isEmpty(), Duration.ofSeconds(60));
        // the same instance id, as a restarted replica has: its producer takes over the transactional id
        JobWorker restarted = replica(instance, 1).getBean(JobWorker.class);
        int n = 30;
        for (int i = 0; i < n; i++) {
            kafka.send(JOBS, KafkaJobsFixture.job("f-" + RUN + "-" + i, batch, "Count to " + i, 6));
        }
        await(() -> old.state() == JobWorker.State.FENCED, Duration.ofSeconds(60));
        assertThat(old.isRunning()).isFalse();
        assertThat(restarted.state()).isIn(JobWorker.State.CONSUMING, JobWorker.State.PAUSED);

        List<ConsumerRecord<String, String>> results = kafka.readKeys(Topics.RESULTS, batch + "/", n, Duration.ofSeconds(120));
        assertThat(results).as("the fenced replica's open work is redone, nothing twice").hasSize(n);
        assertThat(results.stream().map(ConsumerRecord::key).collect(Collectors.toSet())).hasSize(n);
        restarted.halt();
    }

    static void await(BooleanSupplier condition, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + max);
            }
            Thread.sleep(50);
        }
    }
}
