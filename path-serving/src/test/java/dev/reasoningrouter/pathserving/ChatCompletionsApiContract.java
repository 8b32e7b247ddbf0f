package dev.reasoningrouter.pathserving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reasoningrouter.engine.synth.SyntheticGgufWriter;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tokenizer.DeepSeekTokenizers;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabularies;
import dev.reasoningrouter.kafka.KafkaTestBroker;
import dev.reasoningrouter.pathserving.api.ChatCompletionsController;
import dev.reasoningrouter.pathserving.core.PathProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every path service's chat completions API must do, over real HTTP on a tiny synthetic model
 * (trained top-k 2). A service's test extends this from its own package, so that its application and
 * its {@code PathProfile} are the ones under test, and says which path and expert count to expect.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ChatCompletionsApiContract {

    /** The path name responses and metrics carry ("fast", "reasoning"). */
    protected abstract String path();

    /** Routed experts per token this path runs the tiny model with. */
    protected abstract int expectedExperts();

    /** Why {@link #expectedExperts()} is what it is, for the assertion message. */
    protected abstract String expertsReason();

    /** Whether this path drafts and verifies (several model calls per request). */
    protected boolean verifies() {
        return false;
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", KafkaTestBroker::bootstrapServers);
        Path model = TinyModel.file();
        r.add("rr.model.path", model::toString);
        r.add("rr.model.threads", () -> "1");
        r.add("rr.generation.max-tokens-limit", () -> "64");
        r.add("rr.generation.default-max-tokens", () -> "16");
    }

    @LocalServerPort
    int port;

    protected final HttpClient http = HttpClient.newHttpClient();
    protected final JsonMapper json = JsonMapper.builder().build();

    protected HttpResponse<String> post(String body) throws Exception {
        return send("POST", "/v1/chat/completions", "application/json", body);
    }

    protected HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The data lines of a Server-Sent Events body, [DONE] last. */
    protected static List<String> events(String body) {
        List<String> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (!block.isBlank()) {
                assertTrue(block.startsWith("data: "), block);
                events.add(block.substring(6));
            }
        }
        return events;
    }

    @Test
    void completionHasTextUsageAndTheWarning() throws Exception {
        HttpResponse<String> r = post("""
                {"model":"%s","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"Hello!"}],
                 "max_tokens":8,"temperature":0.7,"seed":1}""".formatted(path()));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(PathProfile.SYNTHETIC_WARNING, r.headers().firstValue(ChatCompletionsController.WARNING_HEADER).orElse(null));
        JsonNode b = json.readTree(r.body());
        assertEquals("chat.completion", b.get("object").asString());
        assertTrue(b.get("model").asString().contains(SyntheticModel.MARKER));
        JsonNode choice = b.get("choices").get(0);
        assertEquals("assistant", choice.get("message").get("role").asString());
        String finish = choice.get("finish_reason").asString();
        int completion = b.get("usage").get("completion_tokens").asInt();
        assertTrue(completion >= 1, r.body());
        if (!verifies()) { // one pass: max_tokens bounds the reply; a verifying path counts every draft and critique
            assertTrue(completion <= 8, r.body());
            assertTrue(finish.equals("length") == (completion == 8), r.body());
        }
        assertTrue(b.get("usage").get("prompt_tokens").asInt() > 3);
        assertEquals(b.get("usage").get("prompt_tokens").asInt() + completion, b.get("usage").get("total_tokens").asInt());
        int reasoningTokens = b.get("usage").get("completion_tokens_details").get("reasoning_tokens").asInt();
        assertTrue(reasoningTokens >= 0 && reasoningTokens <= completion, r.body());
        assertEquals(path(), r.headers().firstValue(ChatCompletionsController.PATH_HEADER).orElse(null));
        JsonNode rr = b.get("rr");
        assertEquals(path(), rr.get("path").asString());
        assertEquals(b.get("model").asString(), rr.get("model").asString());
        assertEquals(expectedExperts(), rr.get("experts_per_token").asInt(), expertsReason());
        assertEquals(2, rr.get("trained_top_k").asInt());
        long active = rr.get("active_params_per_token").asLong();
        long total = rr.get("total_params").asLong();
        assertTrue(active > 0 && active <= total, r.body());
        assertEquals((double) active / total, rr.get("parameter_utilization").asDouble(), 1e-12);
        assertEquals(PathProfile.SYNTHETIC_WARNING, rr.get("warning").asString());

        // same seed, same text
        HttpResponse<String> again = post("""
                {"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"Hello!"}],
                 "max_tokens":8,"temperature":0.7,"seed":1}""");
        assertEquals(choice.get("message").get("content").asString(),
                json.readTree(again.body()).get("choices").get(0).get("message").get("content").asString());
    }

    @Test
    void streamingSendsChunksThenUsageThenDone() throws Exception {
        HttpResponse<String> r = post("""
                {"messages":[{"role":"user","content":"Tell me a story"}],"max_tokens":6,"stream":true,"seed":3,
                 "stream_options":{"include_usage":true}}""");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertEquals(PathProfile.SYNTHETIC_WARNING, r.headers().firstValue(ChatCompletionsController.WARNING_HEADER).orElse(null));
        List<String> events = events(r.body());
        assertEquals("[DONE]", events.getLast());
        List<JsonNode> chunks = new ArrayList<>();
        for (String e : events.subList(0, events.size() - 1)) {
            chunks.add(json.readTree(e));
        }
        assertTrue(chunks.size() >= 3, r.body());
        assertEquals("assistant", chunks.getFirst().get("choices").get(0).get("delta").get("role").asString());
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        for (JsonNode c : chunks) {
            assertEquals("chat.completion.chunk", c.get("object").asString());
            assertEquals(chunks.getFirst().get("id").asString(), c.get("id").asString());
            assertEquals(PathProfile.SYNTHETIC_WARNING, c.get("rr").get("warning").asString());
            if (c.get("choices").isEmpty()) {
                continue;
            }
            JsonNode delta = c.get("choices").get(0).get("delta");
            if (delta.get("content") != null) {
                text.append(delta.get("content").asString());
            }
            if (delta.get("reasoning_content") != null) {
                reasoning.append(delta.get("reasoning_content").asString());
            }
        }
        // the last choice chunk has the finish reason; the usage chunk after it has no choices
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertFalse(finish.get("choices").get(0).get("finish_reason").isNull(), r.body());
        JsonNode usage = chunks.getLast();
        assertTrue(usage.get("choices").isEmpty(), r.body());
        int completion = usage.get("usage").get("completion_tokens").asInt();
        assertTrue(completion >= 1, r.body());
        assertEquals(usage.get("usage").get("prompt_tokens").asInt() + completion, usage.get("usage").get("total_tokens").asInt());

        // the streamed reply is the one the non-streaming call gives for the same seed
        HttpResponse<String> plain = post("""
                {"messages":[{"role":"user","content":"Tell me a story"}],"max_tokens":6,"seed":3}""");
        JsonNode message = json.readTree(plain.body()).get("choices").get(0).get("message");
        assertEquals(message.get("content").asString(), text.toString());
        assertEquals(message.has("reasoning_content") ? message.get("reasoning_content").asString() : "", reasoning.toString().strip());

        // without stream_options there is no usage chunk
        List<String> plainStream = events(post("""
                {"messages":[{"role":"user","content":"hi"}],"max_tokens":2,"stream":true}""").body());
        for (String e : plainStream.subList(0, plainStream.size() - 1)) {
            assertFalse(json.readTree(e).get("choices").isEmpty(), e);
        }
    }

    @Test
    void modelsListsThePathAndTheModelAndBothAreAccepted() throws Exception {
        HttpResponse<String> r = send("GET", "/v1/models", null, null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode data = json.readTree(r.body()).get("data");
        assertEquals(2, data.size(), r.body());
        assertEquals(path(), data.get(0).get("id").asString());
        String modelId = data.get(1).get("id").asString();
        assertTrue(modelId.contains(SyntheticModel.MARKER), modelId);
        for (JsonNode m : data) {
            assertEquals("model", m.get("object").asString());
            assertEquals(path(), m.get("rr").get("path").asString());
            HttpResponse<String> chat = post(json.writeValueAsString(java.util.Map.of("model", m.get("id").asString(),
                    "messages", List.of(java.util.Map.of("role", "user", "content", "hi")), "max_tokens", 2)));
            assertEquals(200, chat.statusCode(), chat.body());
        }
        assertEquals(200, send("GET", "/v1/models/" + path(), null, null).statusCode());
        HttpResponse<String> unknown = post("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertError(unknown, 400, "model", "model_not_found");
        assertError(send("GET", "/v1/models/gpt-4o", null, null), 404, "model", "model_not_found");
    }

    @Test
    void everyHttpErrorHasOpenAisShape() throws Exception {
        assertError(send("GET", "/v1/nothing-here", null, null), 404, null, "not_found");
        assertError(send("GET", "/v1/chat/completions", null, null), 405, null, "method_not_allowed");
        assertError(send("POST", "/v1/chat/completions", "text/plain", "{\"messages\":[]}"), 415, null, "unsupported_media_type");
        assertError(send("POST", "/v1/chat/completions", "application/json", ""), 400, null, null);
        // 20 MB: refused from its declared length, and the client still reads the answer
        String huge = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(20 * 1024 * 1024) + "\"}]}";
        assertError(post(huge), 413, null, "request_too_large");
        // a prompt longer than the model's context is the client's mistake
        String tooLong = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "word ".repeat(5000) + "\"}]}";
        assertError(post(tooLong), 400, "messages", null);
        // the service is still fine
        assertEquals(200, post("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1}").statusCode());
    }

    @Test
    void badInputGetsOpenAiErrors() throws Exception {
        assertError(post("{\"messages\":[]}"), "messages");
        assertError(post("{\"model\":\"x\"}"), "messages");
        assertError(post("{\"messages\":\"hi\"}"), "messages");
        assertError(post("{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}"), "messages[0].role");
        assertError(post("{\"messages\":[{\"role\":\"user\",\"content\":42}]}"), "messages[0].content");
        assertError(post("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":65}"), "max_tokens");
        assertError(post("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}"), "max_tokens");
        assertError(post("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"}"), "temperature");
        assertError(post("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":2.5}"), "temperature");
        assertError(post("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"top_p\":1.5}"), "top_p");
        assertError(post("{not json"), null);
    }

    void assertError(HttpResponse<String> r, String param) throws Exception {
        assertError(r, 400, param, param == null ? null : "invalid_value");
    }

    protected void assertError(HttpResponse<String> r, int status, String param, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        JsonNode e = json.readTree(r.body()).get("error");
        assertEquals("invalid_request_error", e.get("type").asString(), r.body());
        if (code != null) {
            assertEquals(code, e.get("code").asString(), r.body());
        }
        assertFalse(e.get("message").asString().isBlank());
        assertTrue(e.has("code"));
        if (param == null) {
            assertTrue(e.get("param").isNull(), r.body());
        } else {
            assertEquals(param, e.get("param").asString(), r.body());
        }
    }

    @Test
    void infoAndMetricsDescribeTheModel() throws Exception {
        post("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}");
        HttpResponse<String> info = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/info")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode model = json.readTree(info.body()).get("model");
        assertTrue(model.get("synthetic").asBoolean(), info.body());
        assertEquals(expectedExperts(), model.get("experts_per_token").asInt());
        assertEquals(2, model.get("trained_top_k").asInt());
        assertTrue(model.get("active_params_per_token").asLong() > 0);
        // this build machine has no GPU: auto serves on the CPU and says why
        assertEquals("cpu", model.get("backend").asString());
        assertTrue(model.get("backend_name").asString().startsWith("cpu ("), info.body());
        assertTrue(model.get("backend_reason").asString().startsWith("rr.engine.backend="), info.body());
        JsonNode serving = json.readTree(info.body()).get("serving");
        assertEquals("adaptive up to 8", serving.get("batching").asString(), info.body());
        assertFalse(serving.get("energy").asString().isBlank(), info.body()); // "none: <why>" without GPU or RAPL
        assertFalse(serving.get("gpu_telemetry").asString().isBlank(), info.body());
        HttpResponse<String> prom = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        String p = prom.body();
        assertTrue(p.contains("rr_generation_tokens_total{"), p);
        assertTrue(p.contains("rr_generation_ttft_seconds_bucket{"), "ttft histogram");
        assertTrue(p.matches("(?s).*rr_generation_active_experts\\{[^}]*path=\"" + path() + "\"[^}]*} " + expectedExperts() + "\\.0.*"),
                "active experts gauge");
        assertTrue(p.contains("rr_generation_kv_cache_bytes_per_token{"), "kv gauge");
        for (String metric : List.of("rr_generation_tpot_seconds_bucket{", "rr_batch_size_bucket{", "rr_batch_step_seconds_bucket{",
                "rr_queue_depth{", "rr_queue_waiting{", "rr_batch_active{", "rr_admission_rejected_total{",
                "rr_generation_parameter_utilization{", "rr_generation_decode_tokens_per_second{", "rr_generation_requests_total{",
                "rr_batch_limit{", "rr_batch_ceiling{", "rr_batch_limit_changes_total{", "rr_batch_power_backoff{")) {
            assertTrue(p.contains(metric), metric);
        }
    }
}
