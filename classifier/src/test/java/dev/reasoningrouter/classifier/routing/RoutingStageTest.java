package dev.reasoningrouter.classifier.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.classifier.ServiceTestBase;
import dev.reasoningrouter.classifier.model.ComplexityClassifier;
import dev.reasoningrouter.classifier.training.Example;
import dev.reasoningrouter.classifier.training.JsonlReader;
import dev.reasoningrouter.contracts.ChatMessage;
import dev.reasoningrouter.contracts.DeadLetter;
import dev.reasoningrouter.contracts.InferenceJob;
import dev.reasoningrouter.contracts.InferenceRequest;
import dev.reasoningrouter.contracts.RouteDecision;
import dev.reasoningrouter.contracts.Topics;
import dev.reasoningrouter.contracts.WireCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * N valid requests and some malformed ones, the stage stopped in the middle of a transaction (which it
 * aborts) and started again: exactly N jobs, each once, and the malformed records on the DLQ, read_committed.
 */
class RoutingStageTest extends ServiceTestBase {
    private static final int FIRST = 40;
    private static final int SECOND = 20;

    @Autowired
    RoutingStage stage;
    @Autowired
    ComplexityClassifier classifier;
    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrap;

    private final WireCodec codec = new WireCodec();

    @Test
    void aJobOverTheRecordLimitIsDeadLetteredInsteadOfWedgingThePartition() {
        String text = "What is 2 + 2? " + "word ".repeat(RoutingStage.MAX_RECORD_BYTES / 5);
        String payload = new WireCodec().encode(new InferenceRequest(
                "big-1", null, null, null, List.of(new ChatMessage("user", text)),
                null, null, null, null, null, 0L));
        var out = stage.route(new ConsumerRecord<>("rr.requests", 0, 42L, "big-1", payload));
        assertThat(out.topic()).isEqualTo("rr.dlq");
        assertThat(out.value()).contains("over the 1000000-byte record limit").contains("cut to its first")
                .contains("\"offset\":42");
        assertThat(out.value().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(RoutingStage.MAX_RECORD_BYTES);
    }

    @Test
    void aForcedRouteSkipsClassificationAndSaysSoAndABadRouteIsADeadLetter() {
        String hard = "Prove that there are infinitely many primes.";
        InferenceJob fast = job(stage.route(record("forced-fast", Map.of(RoutingStage.ROUTE_METADATA, "fast"), hard)), Topics.JOBS_FAST);
        assertThat(fast.decision().route()).isEqualTo("fast");
        assertThat(fast.decision().source()).isEqualTo(RouteDecision.SOURCE_FORCED);
        assertThat(fast.decision().score()).isZero();
        assertThat(fast.decision().modelVersion()).isNull();
        assertThat(fast.decision().threshold()).isEqualTo(classifier.defaultThreshold());

        InferenceJob reasoning = job(stage.route(record("forced-reasoning",
                Map.of(RoutingStage.ROUTE_METADATA, " reasoning", RoutingStage.THRESHOLD_METADATA, "0.3"), "What is 2 + 2?")),
                Topics.JOBS_REASONING);
        assertThat(reasoning.decision().source()).isEqualTo(RouteDecision.SOURCE_FORCED);
        assertThat(reasoning.decision().score()).isEqualTo(1.0);
        assertThat(reasoning.decision().threshold()).isEqualTo(0.3);

        // the same text unforced is classified (and says so)
        InferenceJob classified = job(stage.route(record("classified", Map.of(), hard)), Topics.JOBS_REASONING);
        assertThat(classified.decision().source()).isEqualTo(RouteDecision.SOURCE_CLASSIFIER);
        assertThat(classified.decision().modelVersion()).isNotBlank();

        ProducerRecord<String, String> bad = stage.route(record("forced-bad", Map.of(RoutingStage.ROUTE_METADATA, "slow"), hard));
        assertThat(bad.topic()).isEqualTo(Topics.DLQ);
        DeadLetter letter = codec.decode(bad.value(), DeadLetter.class);
        assertThat(letter.reason()).contains("rr_route").contains("'slow'");
        assertThat(letter.payload()).contains("forced-bad");
    }

    private ConsumerRecord<String, String> record(String id, Map<String, String> metadata, String text) {
        String payload = codec.encode(new InferenceRequest(id, null, null, null, List.of(new ChatMessage("user", text)),
                null, null, null, null, metadata, 0L));
        return new ConsumerRecord<>("rr.requests", 0, 7L, id, payload);
    }

    private InferenceJob job(ProducerRecord<String, String> out, String topic) {
        assertThat(out.topic()).as(out.value()).isEqualTo(topic);
        assertThat(new String(out.headers().lastHeader("rr-route").value(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(topic.equals(Topics.JOBS_FAST) ? "fast" : "reasoning");
        return codec.decode(out.value(), InferenceJob.class);
    }

    @Test
    void everyRequestBecomesExactlyOneJobAcrossARestart() throws Exception {
        List<Example> texts = new JsonlReader().read(Path.of("data/dev.jsonl"));
        String prefix = "rt-" + RUN + "-";
        Map<String, String> valid = new LinkedHashMap<>(); // id -> text
        for (int i = 0; i < FIRST + SECOND; i++) {
            valid.put(prefix + i, texts.get(i * 5 % texts.size()).text());
        }
        Map<String, String> malformed = new LinkedHashMap<>(); // key -> payload
        malformed.put(prefix + "bad-0", "{this is not json");
        malformed.put(prefix + "bad-1", "[1, 2, 3]");
        malformed.put(prefix + "bad-2", codec.encode(request(null, "no id here")));
        malformed.put(prefix + "bad-3", "{\"requestId\": \"" + prefix + "bad-3\", \"messages\": \"not a list\"}");
        malformed.put(prefix + "bad-4", codec.encode(new InferenceRequest(prefix + "bad-4", null, null, "m",
                List.of(new ChatMessage("system", "you are helpful")), null, null, null, null, null, 1L)));
        malformed.put(prefix + "bad-5", "");
        malformed.put(prefix + "bad-6", codec.encode(new InferenceRequest(prefix + "bad-6", null, null, "m",
                List.of(new ChatMessage("user", "hi")), null, null, null, null, Map.of(RoutingStage.THRESHOLD_METADATA, "high"), 1L)));

        try (KafkaProducer<String, String> producer = producer();
             KafkaConsumer<String, String> jobs = consumer(List.of(Topics.JOBS_FAST, Topics.JOBS_REASONING, Topics.DLQ))) {
            List<String> ids = new ArrayList<>(valid.keySet());
            List<String> bad = new ArrayList<>(malformed.keySet());
            // Stop the stage in the middle of a transaction: right after the 10th record it sends (the 2nd
            // of a 4-record batch), so that batch's jobs must be aborted and routed again after the restart.
            AtomicInteger sends = new AtomicInteger();
            CompletableFuture<Void> stopped = new CompletableFuture<>();
            long abortedBefore = stage.abortedTransactions();
            stage.afterSend(() -> {
                if (sends.incrementAndGet() == 10) {
                    // stop() waits for this very thread, so it runs elsewhere; hold the batch until it has begun
                    CompletableFuture.runAsync(stage::stop).whenComplete((v, e) -> stopped.complete(null));
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (stage.isRunning() && System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                }
            });
            String forced = ids.get(FIRST + 1); // a request that brings its own threshold (0: always reasoning)
            for (int i = 0; i < FIRST; i++) {
                producer.send(new ProducerRecord<>(REQUESTS_TOPIC, ids.get(i), codec.encode(request(ids.get(i), valid.get(ids.get(i))))));
                if (i % 10 == 3) {
                    String key = bad.get(i / 10);
                    producer.send(new ProducerRecord<>(REQUESTS_TOPIC, key, malformed.get(key)));
                }
            }
            producer.flush();
            stopped.get(120, TimeUnit.SECONDS);
            stage.afterSend(null);
            assertThat(stage.isRunning()).isFalse();
            assertThat(stage.abortedTransactions() - abortedBefore).as("transactions aborted by the stop").isEqualTo(1);

            Map<String, List<ConsumerRecord<String, String>>> seen = new HashMap<>();
            for (int i = FIRST; i < FIRST + SECOND; i++) {
                InferenceRequest req = request(ids.get(i), valid.get(ids.get(i)));
                if (ids.get(i).equals(forced)) {
                    req = new InferenceRequest(req.requestId(), req.batchId(), req.customId(), req.model(), req.messages(), req.maxTokens(),
                            req.temperature(), req.topP(), req.seed(), Map.of(RoutingStage.THRESHOLD_METADATA, "0"), req.createdAtMs());
                }
                producer.send(new ProducerRecord<>(REQUESTS_TOPIC, ids.get(i), codec.encode(req)));
            }
            for (int i = 4; i < bad.size(); i++) {
                producer.send(new ProducerRecord<>(REQUESTS_TOPIC, bad.get(i), malformed.get(bad.get(i))));
            }
            producer.flush();
            stage.start();

            int expected = valid.size() + malformed.size();
            collect(jobs, prefix, seen, rs -> count(rs) >= expected, Duration.ofSeconds(120));
            // keep reading a little longer: a duplicate would show up now
            collect(jobs, prefix, seen, rs -> false, Duration.ofSeconds(4));

            List<ConsumerRecord<String, String>> jobRecords = seen.entrySet().stream()
                    .filter(e -> !e.getKey().equals(Topics.DLQ)).flatMap(e -> e.getValue().stream()).toList();
            assertThat(jobRecords).hasSize(valid.size());
            assertThat(jobRecords.stream().map(ConsumerRecord::key)).containsExactlyInAnyOrderElementsOf(valid.keySet());
            for (ConsumerRecord<String, String> r : jobRecords) {
                InferenceJob job = codec.decode(r.value(), InferenceJob.class);
                assertThat(job.request().requestId()).isEqualTo(r.key());
                assertThat(job.request().lastUserText()).isEqualTo(valid.get(r.key()));
                String topic = job.decision().route().equals("reasoning") ? Topics.JOBS_REASONING : Topics.JOBS_FAST;
                assertThat(r.topic()).isEqualTo(topic);
                assertThat(job.decision().score()).isBetween(0.0, 1.0);
                assertThat(job.decision().latencyMs()).isPositive();
                assertThat(job.decision().modelVersion()).isNotBlank();
                assertThat(job.escalatedFrom()).isNull();
                if (r.key().equals(forced)) {
                    assertThat(job.decision().threshold()).isZero();
                    assertThat(r.topic()).isEqualTo(Topics.JOBS_REASONING);
                }
            }
            assertThat(seen.get(Topics.JOBS_FAST)).isNotEmpty();
            assertThat(seen.get(Topics.JOBS_REASONING)).isNotEmpty();

            List<ConsumerRecord<String, String>> dlq = seen.getOrDefault(Topics.DLQ, List.of());
            assertThat(dlq.stream().map(ConsumerRecord::key)).containsExactlyInAnyOrderElementsOf(malformed.keySet());
            for (ConsumerRecord<String, String> r : dlq) {
                DeadLetter letter = codec.decode(r.value(), DeadLetter.class);
                assertThat(letter.payload()).isEqualTo(malformed.get(r.key()));
                assertThat(letter.reason()).isNotBlank();
                assertThat(letter.sourceTopic()).isEqualTo(REQUESTS_TOPIC);
                assertThat(letter.stage()).isEqualTo(RoutingStage.STAGE);
            }
            Map<String, String> reasons = new HashMap<>();
            dlq.forEach(r -> reasons.put(r.key(), codec.decode(r.value(), DeadLetter.class).reason()));
            assertThat(reasons.get(prefix + "bad-0")).contains("not a valid InferenceRequest");
            assertThat(reasons.get(prefix + "bad-2")).contains("requestId");
            assertThat(reasons.get(prefix + "bad-4")).contains("no user message");
            assertThat(reasons.get(prefix + "bad-5")).contains("empty payload");
            assertThat(reasons.get(prefix + "bad-6")).contains("rr_threshold");
        }
    }

    private static int count(Map<String, List<ConsumerRecord<String, String>>> seen) {
        return seen.values().stream().mapToInt(List::size).sum();
    }

    private void collect(KafkaConsumer<String, String> consumer, String prefix, Map<String, List<ConsumerRecord<String, String>>> seen,
                         java.util.function.Predicate<Map<String, List<ConsumerRecord<String, String>>>> done, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline && !done.test(seen)) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.key() != null && r.key().startsWith(prefix)) {
                    seen.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(r);
                }
            }
        }
    }

    private static InferenceRequest request(String id, String text) {
        return new InferenceRequest(id, "batch-" + RUN, id, "deepseek-v2-lite", List.of(new ChatMessage("user", text)),
                64, 0.0, null, null, Map.of("test", "routing"), System.currentTimeMillis());
    }

    private KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(p);
    }

    private KafkaConsumer<String, String> consumer(List<String> topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "rr-classifier-test-reader-" + RUN);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p);
        c.subscribe(topics);
        return c;
    }
}
