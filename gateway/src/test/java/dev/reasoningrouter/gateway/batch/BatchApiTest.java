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
import dev.reasoningrouter.contracts.RouteDecision;
import dev.reasoningrouter.contracts.Topics;
import dev.reasoningrouter.contracts.WireCodec;
import dev.reasoningrouter.gateway.GatewayApplication;
import dev.reasoningrouter.gateway.stack.StackTestBase;
import dev.reasoningrouter.gateway.stack.TestStack;
import java.io.IOException;
import java.io.InputStream;
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
import org.apache.kafka.common.serialization.StringDeserializer;
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
 * <p>The requests go the whole way: the classifier stage routes them, the path services' job workers answer them.
 */
class BatchApiTest extends StackTestBase {
    private final WireCodec codec = new WireCodec();
    private final JsonMapper json = JsonMapper.builder().build();

    private static String line(String customId, String model, String prompt, int maxTokens) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\""
                + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}],\"max_tokens\":" + maxTokens
                + ",\"seed\":2}}";
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
    void aBatchRunsThroughTheRealPipelineItsBadLinesAreReportedAndARestartedGatewayReadsItBack() throws Exception {
        OpenAIClient client = client(KEY);
        String jsonl = String.join("\n",
                line("hard", "auto", "Prove that there are infinitely many primes.", 4),
                line("quick", "fast", "Prove that the square root of 2 is irrational.", 4),
                "{this line is not json",
                line("deep", "reasoning", "What is the capital of France?", 4),
                line("quick", "auto", "a second line with the same custom_id", 4),
                // passes the gateway's checks, but the path allows at most 1024 tokens: its 400 goes to the error file
                line("greedy", "fast", "Hello", 5000)) + "\n";
        FileObject file = upload(client, jsonl);
        assertThat(file.purpose()).isEqualTo(FileObject.Purpose.BATCH);
        assertThat(file.bytes()).isEqualTo(jsonl.getBytes(StandardCharsets.UTF_8).length);

        Batch batch = create(client, file.id());
        assertThat(batch.status()).isEqualTo(Batch.Status.IN_PROGRESS);
        assertThat(batch.requestCounts().orElseThrow().total()).isEqualTo(6);
        assertThat(batch.requestCounts().orElseThrow().failed()).isEqualTo(2);

        // the classifier stage routes the four requests into jobs, honouring the forced ones
        Map<String, InferenceJob> jobs = new HashMap<>();
        Map<String, String> jobTopics = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = consumer(List.of(Topics.JOBS_FAST, Topics.JOBS_REASONING))) {
            poll(consumer, r -> {
                InferenceJob job = codec.decode(r.value(), InferenceJob.class);
                if (batch.id().equals(job.request().batchId()) && job.escalatedFrom() == null) {
                    jobs.put(job.request().customId(), job);
                    jobTopics.put(job.request().customId(), r.topic());
                }
            }, () -> jobs.size() == 4, Duration.ofSeconds(120));
        }
        assertThat(jobs).containsOnlyKeys("hard", "quick", "deep", "greedy");
        assertThat(jobTopics).containsEntry("quick", Topics.JOBS_FAST).containsEntry("deep", Topics.JOBS_REASONING)
                .containsEntry("hard", Topics.JOBS_REASONING).containsEntry("greedy", Topics.JOBS_FAST);
        assertThat(jobs.get("quick").decision().source()).isEqualTo(RouteDecision.SOURCE_FORCED);
        assertThat(jobs.get("deep").decision().source()).isEqualTo(RouteDecision.SOURCE_FORCED);
        assertThat(jobs.get("hard").decision().source()).isEqualTo(RouteDecision.SOURCE_CLASSIFIER);

        // the path services' job workers answer on rr.results; the gateway counts the answers as they come
        Batch done = await(client, batch.id(), b -> Batch.Status.COMPLETED.equals(b.status()));
        assertThat(done.requestCounts().orElseThrow().completed()).isEqualTo(3);
        assertThat(done.requestCounts().orElseThrow().failed()).isEqualTo(3);
        assertThat(done.completedAt()).isPresent();
        String outputText = content(client, done.outputFileId().orElseThrow());
        String errorText = content(client, done.errorFileId().orElseThrow());

        List<JsonNode> output = lines(outputText);
        assertThat(output).extracting(l -> l.get("custom_id").asString()).containsExactly("hard", "quick", "deep");
        for (JsonNode l : output) {
            assertThat(l.path("response").path("status_code").asInt()).isEqualTo(200);
            assertThat(l.path("response").path("body").path("object").asString()).isEqualTo("chat.completion");
            assertThat(l.path("response").path("body").path("rr").path("path").asString()).isIn("fast", "reasoning");
            assertThat(l.path("error").isNull()).isTrue();
        }
        assertThat(output.get(2).path("response").path("body").path("rr").path("path").asString()).isEqualTo("reasoning");

        List<JsonNode> errors = lines(errorText);
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0).path("error").path("line").asInt()).isEqualTo(3);
        assertThat(errors.get(0).path("error").path("code").asString()).isEqualTo("invalid_json");
        assertThat(errors.get(1).path("error").path("line").asInt()).isEqualTo(5);
        assertThat(errors.get(1).path("custom_id").asString()).isEqualTo("quick");
        assertThat(errors.get(1).path("error").path("code").asString()).isEqualTo("duplicate_custom_id");
        assertThat(errors.get(2).path("custom_id").asString()).isEqualTo("greedy");
        assertThat(errors.get(2).path("response").path("status_code").asInt()).isEqualTo(400);
        assertThat(errors.get(2).path("response").path("body").path("error").path("param").asString()).contains("max_tokens");

        // a gateway started now reads the same state back from Kafka: nothing is lost
        try (ConfigurableApplicationContext restarted = secondGateway()) {
            OpenAIClient second = client(KEY, restarted.getEnvironment());
            Batch read = second.batches().retrieve(batch.id());
            assertThat(read.status()).isEqualTo(Batch.Status.COMPLETED);
            assertThat(read.requestCounts()).isEqualTo(done.requestCounts());
            assertThat(read.outputFileId()).isEqualTo(done.outputFileId());
            assertThat(content(second, file.id())).isEqualTo(jsonl);
            assertThat(content(second, done.outputFileId().orElseThrow())).isEqualTo(outputText);
            assertThat(content(second, done.errorFileId().orElseThrow())).isEqualTo(errorText);
        }
    }

    /** A gateway started while a batch runs (say, a restart) reads what came before and counts what comes after. */
    @Test
    void aGatewayStartedWhileABatchRunsFollowsItToTheEnd() throws Exception {
        OpenAIClient client = client(KEY);
        Batch batch = create(client, upload(client, line("a", "fast", "Hi", 4) + "\n" + line("b", "reasoning", "Hello", 4) + "\n").id());
        try (ConfigurableApplicationContext restarted = secondGateway()) {
            Batch done = await(client(KEY, restarted.getEnvironment()), batch.id(), b -> Batch.Status.COMPLETED.equals(b.status()));
            assertThat(done.requestCounts().orElseThrow().completed()).isEqualTo(2);
            assertThat(lines(content(client(KEY, restarted.getEnvironment()), done.outputFileId().orElseThrow())))
                    .extracting(l -> l.get("custom_id").asString()).containsExactly("a", "b");
        }
    }

    @Test
    void aCancelledBatchStopsWaitingAndEachKeySeesOnlyItsOwnBatches() throws Exception {
        OpenAIClient client = client(KEY);
        String file = upload(client, line("one", "fast", "Hi", 4) + "\n" + line("two", "fast", "Hello", 4) + "\n").id();
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
        String file = upload(client(KEY), line("x", "auto", "Hi", 4)).id();
        HttpResponse<String> endpoint = postJson("/v1/batches", KEY,
                "{\"input_file_id\":\"" + file + "\",\"endpoint\":\"/v1/embeddings\",\"completion_window\":\"24h\"}");
        assertThat(endpoint.statusCode()).isEqualTo(400);
        assertThat(endpoint.body()).contains("\"param\":\"endpoint\"");
        HttpResponse<String> window = postJson("/v1/batches", KEY,
                "{\"input_file_id\":\"" + file + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"1h\"}");
        assertThat(window.statusCode()).isEqualTo(400);
        assertThat(window.body()).contains("completion_window");
    }

    private static Batch await(OpenAIClient client, String id, Predicate<Batch> until) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
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
