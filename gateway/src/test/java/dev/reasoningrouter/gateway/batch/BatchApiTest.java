package dev.reasoningrouter.gateway.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import dev.reasoningrouter.contracts.InferenceJob;
import dev.reasoningrouter.contracts.InferenceRequest;
import dev.reasoningrouter.contracts.InferenceResult;
import dev.reasoningrouter.contracts.RouteDecision;
import dev.reasoningrouter.contracts.Topics;
import dev.reasoningrouter.contracts.WireCodec;
import dev.reasoningrouter.gateway.GatewayApplication;
import dev.reasoningrouter.gateway.stack.StackTestBase;
import dev.reasoningrouter.gateway.stack.TestStack;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * OpenAI's Batch API through the official SDK, over the real broker and the real classifier stage: a file with good
 * and bad lines, the bad ones in the error file by line number, the good ones on {@code rr.requests} and routed by the
 * classifier stage (forced routes honoured), progress counted from {@code rr.results}, output joined by
 * {@code custom_id}, and a gateway started afterwards that reads the same state back from Kafka and finishes the job.
 *
 * <p>The path services do not consume their jobs topics yet, so this test answers the jobs the way a path worker will:
 * it asks the path service the job was routed to (over HTTP) and puts the answer on {@code rr.results}.
 */
class BatchApiTest extends StackTestBase {
    private final WireCodec codec = new WireCodec();
    private final JsonMapper json = JsonMapper.builder().build();

    private static String line(String customId, String model, String prompt) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\""
                + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}],\"max_tokens\":4,\"seed\":2}}";
    }

    private FileObject upload(OpenAIClient client, String jsonl) {
        return client.files().create(FileCreateParams.builder().file(jsonl.getBytes(StandardCharsets.UTF_8)).purpose(FilePurpose.BATCH)
                .build());
    }

    private Batch create(OpenAIClient client, String fileId) {
        return client.batches().create(BatchCreateParams.builder().inputFileId(fileId)
                .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                .completionWindow(BatchCreateParams.CompletionWindow._24H).build());
    }

    private static String content(OpenAIClient client, String fileId) throws IOException {
        try (var response = client.files().content(fileId); InputStream in = response.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aBatchRunsOverKafkaItsBadLinesAreReportedAndARestartedGatewayFinishesIt() throws Exception {
        OpenAIClient client = client(KEY);
        String jsonl = String.join("\n",
                line("hard", "auto", "Prove that there are infinitely many primes."),
                line("quick", "fast", "Prove that the square root of 2 is irrational."),
                "{this line is not json",
                line("deep", "reasoning", "What is the capital of France?"),
                line("quick", "auto", "a second line with the same custom_id"),
                line("refused", "auto", "Hello")) + "\n";
        FileObject file = upload(client, jsonl);
        assertThat(file.purpose()).isEqualTo(FileObject.Purpose.BATCH);
        assertThat(file.bytes()).isEqualTo(jsonl.getBytes(StandardCharsets.UTF_8).length);

        Batch batch = create(client, file.id());
        assertThat(batch.status()).isEqualTo(Batch.Status.IN_PROGRESS);
        assertThat(batch.requestCounts().orElseThrow().total()).isEqualTo(6);
        assertThat(batch.requestCounts().orElseThrow().failed()).isEqualTo(2);

        // the front half: four requests on rr.requests, routed by the classifier stage into jobs
        Map<String, InferenceJob> jobs = new HashMap<>();
        Map<String, String> jobTopics = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = consumer(List.of(Topics.JOBS_FAST, Topics.JOBS_REASONING))) {
            poll(consumer, r -> {
                InferenceJob job = codec.decode(r.value(), InferenceJob.class);
                if (batch.id().equals(job.request().batchId())) {
                    jobs.put(job.request().customId(), job);
                    jobTopics.put(job.request().customId(), r.topic());
                }
            }, () -> jobs.size() == 4, Duration.ofSeconds(90));
        }
        assertThat(jobs).containsOnlyKeys("hard", "quick", "deep", "refused");
        assertThat(jobTopics).containsEntry("quick", Topics.JOBS_FAST).containsEntry("deep", Topics.JOBS_REASONING)
                .containsEntry("hard", Topics.JOBS_REASONING);
        assertThat(jobs.get("quick").decision().source()).isEqualTo(RouteDecision.SOURCE_FORCED);
        assertThat(jobs.get("deep").decision().source()).isEqualTo(RouteDecision.SOURCE_FORCED);
        assertThat(jobs.get("hard").decision().source()).isEqualTo(RouteDecision.SOURCE_CLASSIFIER);

        // the path workers' part: two answers now…
        try (KafkaProducer<String, String> producer = producer()) {
            answer(producer, jobs.get("hard"), jobTopics.get("hard"));
            answer(producer, jobs.get("quick"), jobTopics.get("quick"));
            producer.flush();
        }
        Batch halfway = await(client, batch.id(), b -> b.requestCounts().orElseThrow().completed() == 2);
        assertThat(halfway.status()).isEqualTo(Batch.Status.IN_PROGRESS);

        // …then a second gateway starts, reads the state back from Kafka and sees the rest come in
        try (ConfigurableApplicationContext restarted = secondGateway()) {
            OpenAIClient second = client(KEY, restarted.getEnvironment());
            Batch read = second.batches().retrieve(batch.id());
            assertThat(read.status()).isEqualTo(Batch.Status.IN_PROGRESS);
            assertThat(read.requestCounts().orElseThrow().completed()).isEqualTo(2);
            assertThat(read.inputFileId()).isEqualTo(file.id());
            assertThat(content(second, file.id())).isEqualTo(jsonl);

            try (KafkaProducer<String, String> producer = producer()) {
                answer(producer, jobs.get("deep"), jobTopics.get("deep"));
                refuse(producer, jobs.get("refused"));
                producer.flush();
            }
            Batch done = await(second, batch.id(), b -> Batch.Status.COMPLETED.equals(b.status()));
            assertThat(done.requestCounts().orElseThrow().completed()).isEqualTo(3);
            assertThat(done.requestCounts().orElseThrow().failed()).isEqualTo(3);
            assertThat(done.completedAt()).isPresent();

            List<JsonNode> output = lines(content(second, done.outputFileId().orElseThrow()));
            assertThat(output).extracting(l -> l.get("custom_id").asString()).containsExactly("hard", "quick", "deep");
            for (JsonNode l : output) {
                assertThat(l.path("response").path("status_code").asInt()).isEqualTo(200);
                assertThat(l.path("response").path("body").path("object").asString()).isEqualTo("chat.completion");
                assertThat(l.path("error").isNull()).isTrue();
            }
            assertThat(output.get(1).path("response").path("body").path("rr").path("path").asString()).isEqualTo("fast");
            assertThat(output.get(2).path("response").path("body").path("rr").path("path").asString()).isEqualTo("reasoning");

            List<JsonNode> errors = lines(content(second, done.errorFileId().orElseThrow()));
            assertThat(errors).hasSize(3);
            assertThat(errors.get(0).path("error").path("line").asInt()).isEqualTo(3);
            assertThat(errors.get(0).path("error").path("code").asString()).isEqualTo("invalid_json");
            assertThat(errors.get(1).path("error").path("line").asInt()).isEqualTo(5);
            assertThat(errors.get(1).path("custom_id").asString()).isEqualTo("quick");
            assertThat(errors.get(1).path("error").path("code").asString()).isEqualTo("duplicate_custom_id");
            assertThat(errors.get(2).path("custom_id").asString()).isEqualTo("refused");
            assertThat(errors.get(2).path("response").path("status_code").asInt()).isEqualTo(400);

            // the first gateway followed along too
            assertThat(client.batches().retrieve(batch.id()).status()).isEqualTo(Batch.Status.COMPLETED);
            assertThat(content(client, done.outputFileId().orElseThrow())).isEqualTo(content(second, done.outputFileId().orElseThrow()));
        }
    }

    @Test
    void aCancelledBatchStopsWaitingAndEachKeySeesOnlyItsOwnBatches() throws Exception {
        OpenAIClient client = client(KEY);
        String file = upload(client, line("one", "fast", "Hi") + "\n" + line("two", "fast", "Hello") + "\n").id();
        Batch kept = create(client, file);
        Batch batch = create(client, file);
        Batch cancelled = client.batches().cancel(batch.id());
        assertThat(cancelled.status()).isEqualTo(Batch.Status.CANCELLED);
        assertThat(cancelled.cancelledAt()).isPresent();
        List<JsonNode> errors = lines(content(client, cancelled.errorFileId().orElseThrow()));
        assertThat(errors).extracting(l -> l.path("error").path("code").asString()).containsExactly("batch_cancelled", "batch_cancelled");

        HttpResponse<String> list = get("/v1/batches?limit=1");
        assertThat(list.statusCode()).isEqualTo(200);
        JsonNode page = json.readTree(list.body());
        assertThat(page.path("data").get(0).path("id").asString()).as("newest first").isEqualTo(batch.id());
        assertThat(page.path("has_more").asBoolean()).isTrue();
        JsonNode next = json.readTree(get("/v1/batches?limit=1&after=" + batch.id()).body());
        assertThat(next.path("data").get(0).path("id").asString()).isEqualTo(kept.id());
        assertThat(client.batches().retrieve(kept.id()).status()).isEqualTo(Batch.Status.IN_PROGRESS);

        OpenAIClient other = client(TOKENS_KEY);
        assertThat(catchThrowableOfType(NotFoundException.class, () -> other.batches().retrieve(batch.id())).statusCode()).isEqualTo(404);
        assertThat(catchThrowableOfType(NotFoundException.class, () -> content(other, file)).statusCode()).isEqualTo(404);
    }

    @Test
    void aBatchMustNameAnUploadedFileAndTheChatEndpoint() throws Exception {
        HttpResponse<String> missing = postJson("/v1/batches", KEY,
                "{\"input_file_id\":\"file-nope\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        assertThat(missing.statusCode()).isEqualTo(404);
        String file = upload(client(KEY), line("x", "auto", "Hi")).id();
        HttpResponse<String> endpoint = postJson("/v1/batches", KEY,
                "{\"input_file_id\":\"" + file + "\",\"endpoint\":\"/v1/embeddings\",\"completion_window\":\"24h\"}");
        assertThat(endpoint.statusCode()).isEqualTo(400);
        assertThat(endpoint.body()).contains("\"param\":\"endpoint\"");
        HttpResponse<String> window = postJson("/v1/batches", KEY,
                "{\"input_file_id\":\"" + file + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"1h\"}");
        assertThat(window.statusCode()).isEqualTo(400);
        assertThat(window.body()).contains("completion_window");
    }

    /** Does what a path worker does with a job: has the path service answer it and puts the answer on rr.results. */
    private void answer(KafkaProducer<String, String> producer, InferenceJob job, String topic) throws Exception {
        var path = topic.equals(Topics.JOBS_FAST) ? TestStack.get().fast() : TestStack.get().reasoning();
        InferenceRequest req = job.request();
        String body = json.writeValueAsString(Map.of("messages", req.messages(), "max_tokens", req.maxTokens(), "seed", req.seed()));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(path.url() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        Map<String, Object> completion = json.readValue(r.body(), Map.class);
        JsonNode c = json.readTree(r.body());
        InferenceResult result = new InferenceResult(req.requestId(), req.batchId(), req.customId(), job.decision().route(),
                c.path("model").asString(), c.path("choices").get(0).path("message").path("content").asString(), null,
                c.path("choices").get(0).path("finish_reason").asString(), c.path("usage").path("prompt_tokens").asInt(),
                c.path("usage").path("completion_tokens").asInt(), 0, null, null, 200, completion, null, System.currentTimeMillis());
        producer.send(new ProducerRecord<>(Topics.RESULTS, req.resultKey(), codec.encode(result)));
    }

    private void refuse(KafkaProducer<String, String> producer, InferenceJob job) {
        InferenceRequest req = job.request();
        Map<String, Object> error = Map.of("error", Map.of("message", "refused by the test", "type", "invalid_request_error",
                "code", "test_refusal"));
        InferenceResult result = new InferenceResult(req.requestId(), req.batchId(), req.customId(), job.decision().route(), null, null,
                null, null, 0, 0, 0, "refused by the test", "test_refusal", 400, error, null, System.currentTimeMillis());
        producer.send(new ProducerRecord<>(Topics.RESULTS, req.resultKey(), codec.encode(result)));
    }

    private static Batch await(OpenAIClient client, String id, Predicate<Batch> until) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Batch b = client.batches().retrieve(id);
        while (!until.test(b) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            b = client.batches().retrieve(id);
        }
        assertThat(until.test(b)).as("batch %s reached the expected state; last seen %s %s", id, b.status(), b.requestCounts()).isTrue();
        return b;
    }

    private List<JsonNode> lines(String jsonl) {
        List<JsonNode> out = new ArrayList<>();
        for (String l : jsonl.split("\n")) {
            if (!l.isBlank()) {
                out.add(json.readTree(l));
            }
        }
        return out;
    }

    private ConfigurableApplicationContext secondGateway() {
        TestStack stack = TestStack.get();
        // as command-line arguments: they outrank application.yml, as the properties of a real deployment would
        String[] args = {"--server.port=0", "--spring.kafka.bootstrap-servers=" + stack.bootstrap(),
                "--rr.classifier-url=" + stack.classifier().url(), "--rr.fast-path-url=" + stack.fast().url(),
                "--rr.reasoning-path-url=" + stack.reasoning().url(), "--rr.auth.api-keys=",
                // the same key under the same name: batches belong to the key's name
                "--rr.auth.keys[0].name=main", "--rr.auth.keys[0].key=" + KEY};
        ConfigurableApplicationContext context = new SpringApplicationBuilder(GatewayApplication.class).run(args);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!context.getBean(BatchLog.class).ready() && System.nanoTime() < deadline) {
            sleep(100);
        }
        assertThat(context.getBean(BatchLog.class).ready()).as("the second gateway read the batch state back").isTrue();
        return context;
    }

    private static OpenAIClient client(String key, Environment env) {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + env.getProperty("local.server.port") + "/v1").apiKey(key)
                .maxRetries(0).timeout(Duration.ofSeconds(60)).build();
    }

    private KafkaConsumer<String, String> consumer(List<String> topics) {
        KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.get().bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "gateway-batch-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer());
        c.subscribe(topics);
        return c;
    }

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.get().bootstrap()),
                new StringSerializer(), new StringSerializer());
    }

    private static void poll(KafkaConsumer<String, String> consumer, java.util.function.Consumer<ConsumerRecord<String, String>> each,
                             java.util.function.BooleanSupplier done, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(300)).forEach(each);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
