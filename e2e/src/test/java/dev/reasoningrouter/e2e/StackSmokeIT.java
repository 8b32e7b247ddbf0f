package dev.reasoningrouter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.contracts.ChatMessage;
import dev.reasoningrouter.contracts.DeadLetter;
import dev.reasoningrouter.contracts.InferenceJob;
import dev.reasoningrouter.contracts.InferenceRequest;
import dev.reasoningrouter.contracts.RouteDecision;
import dev.reasoningrouter.contracts.Topics;
import dev.reasoningrouter.contracts.WireCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole stack as an operator runs it, started by the launcher ({@code ./rr up}): the real broker and the four
 * service jars as processes.
 * Checks each is healthy and exports metrics, that the gateway reaches the classifier, and that a
 * request produced on {@code rr.requests} comes out of the classifier stage as a routed job (and a
 * malformed one as a dead letter). First of the IT classes on the {@link SharedStack}.
 */
@Order(1)
@ExtendWith(SharedStack.class)
class StackSmokeIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final WireCodec CODEC = new WireCodec();
    private static LauncherStack stack;
    private static String bootstrap;

    @BeforeAll
    static void useSharedStack() {
        stack = SharedStack.stack();
        bootstrap = stack.bootstrap();
    }

    @Test
    void everyServiceIsHealthyAndExportsPrometheusMetrics() throws Exception {
        for (String service : LauncherStack.SERVICES) {
            HttpResponse<String> metrics = get(stack.baseUrl(service) + "/actuator/prometheus");
            assertThat(metrics.statusCode()).as(service).isEqualTo(200);
            assertThat(metrics.body()).as(service).contains("application=\"" + service + "\"");
            assertThat(get(stack.baseUrl(service) + "/actuator/info").body()).contains("\"service\":\"" + service + "\"");
        }
    }

    @Test
    void gatewayRoutesClassifyToTheClassifier() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl("gateway") + "/v1/classify"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + stack.apiKey())
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"Prove that there are infinitely many primes.\"}"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"route\":\"reasoning\"");
    }

    @Test
    void pathServicesAnswerChatCompletionsWithTheShippedTrainedModel() throws Exception {
        Map<String, Integer> experts = new HashMap<>();
        for (String service : List.of("fast-path", "reasoning-path")) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl(service) + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"messages\":[{\"role\":\"user\",\"content\":\"What is 4821 + 795?\"}],\"max_tokens\":8,\"seed\":1}"))
                    .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(service + ": " + response.body()).isEqualTo(200);
            assertThat(response.body()).contains("\"choices\"").contains("\"usage\"").contains("rr-tasks-small")
                    .doesNotContain("random-weight test model");
            // The shipped model is trained: no random-weight warning on its responses.
            assertThat(response.headers().firstValue("X-RR-Model-Warning")).isEmpty();
            var m = java.util.regex.Pattern.compile("\"experts_per_token\":(\\d+)").matcher(response.body());
            assertThat(m.find()).as(response.body()).isTrue();
            experts.put(service, Integer.parseInt(m.group(1)));
        }
        assertThat(experts).containsOnlyKeys("fast-path", "reasoning-path");
        assertThat(experts.get("fast-path")).isLessThan(experts.get("reasoning-path"));
    }

    @Test
    void requestsOnTheRequestsTopicBecomeRoutedJobsAndPoisonGoesToTheDeadLetterTopic() throws Exception {
        String run = UUID.randomUUID().toString();
        String routine = run + "-routine";
        String hard = run + "-hard";
        String poison = run + "-poison";
        try (var producer = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.REQUESTS, routine, CODEC.encode(request(routine,
                    "What is the capital of France?")))).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(Topics.REQUESTS, hard, CODEC.encode(request(hard,
                    "A train leaves at 3 pm going 60 km/h; a second leaves the same station at 4 pm going 90 km/h. "
                            + "At what time does the second train catch up, and how far from the station?"))))
                    .get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(Topics.REQUESTS, poison, "{this is not json")).get(30, TimeUnit.SECONDS);
        }

        Map<String, InferenceJob> jobs = new HashMap<>();
        Map<String, String> jobTopic = new HashMap<>();
        DeadLetter deadLetter = null;
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + run,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.JOBS_FAST, Topics.JOBS_REASONING, Topics.DLQ));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while ((jobs.size() < 2 || deadLetter == null) && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() == null || !record.key().startsWith(run)) {
                        continue;
                    }
                    if (record.topic().equals(Topics.DLQ)) {
                        deadLetter = CODEC.decode(record.value(), DeadLetter.class);
                    } else {
                        jobs.put(record.key(), CODEC.decode(record.value(), InferenceJob.class));
                        jobTopic.put(record.key(), record.topic());
                    }
                }
            }
        }
        assertThat(jobs).containsOnlyKeys(routine, hard);
        assertThat(jobs.get(routine).decision().route()).isEqualTo(RouteDecision.FAST);
        assertThat(jobTopic.get(routine)).isEqualTo(Topics.JOBS_FAST);
        assertThat(jobs.get(hard).decision().route()).isEqualTo(RouteDecision.REASONING);
        assertThat(jobTopic.get(hard)).isEqualTo(Topics.JOBS_REASONING);
        assertThat(jobs.get(hard).request().requestId()).isEqualTo(hard);
        assertThat(jobs.get(hard).decision().score()).isBetween(0.0, 1.0);
        assertThat(deadLetter).isNotNull();
        assertThat(deadLetter.payload()).isEqualTo("{this is not json");
        assertThat(deadLetter.sourceTopic()).isEqualTo(Topics.REQUESTS);
        assertThat(deadLetter.reason()).isNotBlank();
    }

    private static InferenceRequest request(String id, String text) {
        return new InferenceRequest(id, null, null, "rr-auto", List.of(new ChatMessage("user", text)),
                32, 0.0, null, 1L, Map.of(), System.currentTimeMillis());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
