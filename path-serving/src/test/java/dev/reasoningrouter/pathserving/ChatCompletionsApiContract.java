package dev.reasoningrouter.pathserving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reasoningrouter.engine.serving.PathProfile;
import dev.reasoningrouter.engine.synth.SyntheticGgufWriter;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tokenizer.DeepSeekTokenizers;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabularies;
import dev.reasoningrouter.kafka.KafkaTestBroker;
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

    /** The tiny synthetic preset (trained top-k 2) speaking the V3 tokenizer cut to 300 merges. */
    protected static Path tinyModel() {
        try {
            Path dir = Files.createTempDirectory("path-serving-test");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve("tiny.gguf");
            var vocab = TokenizerVocabularies.truncated(DeepSeekTokenizers.bundledV3().vocabulary(), 300);
            SyntheticGgufWriter.write(SyntheticModel.preset("tiny", 5, vocab), GgmlType.F32, file);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", KafkaTestBroker::bootstrapServers);
        Path model = tinyModel();
        r.add("rr.model.path", model::toString);
        r.add("rr.model.threads", () -> "1");
        r.add("rr.generation.max-tokens-limit", () -> "64");
        r.add("rr.generation.default-max-tokens", () -> "16");
    }

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();
    final JsonMapper json = JsonMapper.builder().build();

    HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void completionHasTextUsageAndTheWarning() throws Exception {
        HttpResponse<String> r = post("""
                {"model":"anything","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"Hello!"}],
                 "max_tokens":8,"temperature":0.7,"seed":1}""");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(PathProfile.SYNTHETIC_WARNING, r.headers().firstValue(ChatCompletionsController.WARNING_HEADER).orElse(null));
        JsonNode b = json.readTree(r.body());
        assertEquals("chat.completion", b.get("object").asString());
        assertTrue(b.get("model").asString().contains(SyntheticModel.MARKER));
        JsonNode choice = b.get("choices").get(0);
        assertEquals("assistant", choice.get("message").get("role").asString());
        String finish = choice.get("finish_reason").asString();
        int completion = b.get("usage").get("completion_tokens").asInt();
        assertTrue(completion >= 1 && completion <= 8, r.body());
        assertTrue(finish.equals("length") == (completion == 8), r.body());
        assertTrue(b.get("usage").get("prompt_tokens").asInt() > 3);
        assertEquals(b.get("usage").get("prompt_tokens").asInt() + completion, b.get("usage").get("total_tokens").asInt());
        JsonNode rr = b.get("rr");
        assertEquals(path(), rr.get("path").asString());
        assertEquals(expectedExperts(), rr.get("experts").asInt(), expertsReason());
        assertEquals(2, rr.get("trained_top_k").asInt());
        assertTrue(rr.get("active_params_per_token").asLong() > 0);
        assertEquals(PathProfile.SYNTHETIC_WARNING, rr.get("warning").asString());

        // same seed, same text
        HttpResponse<String> again = post("""
                {"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"Hello!"}],
                 "max_tokens":8,"temperature":0.7,"seed":1}""");
        assertEquals(choice.get("message").get("content").asString(),
                json.readTree(again.body()).get("choices").get(0).get("message").get("content").asString());
    }

    @Test
    void streamingSendsChunksThenDone() throws Exception {
        HttpResponse<String> r = post("""
                {"messages":[{"role":"user","content":"Tell me a story"}],"max_tokens":6,"stream":true,"seed":3}""");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertEquals(PathProfile.SYNTHETIC_WARNING, r.headers().firstValue(ChatCompletionsController.WARNING_HEADER).orElse(null));
        List<String> events = new ArrayList<>();
        for (String block : r.body().split("\n\n")) {
            if (!block.isBlank()) {
                assertTrue(block.startsWith("data: "), block);
                events.add(block.substring(6));
            }
        }
        assertEquals("[DONE]", events.getLast());
        List<JsonNode> chunks = new ArrayList<>();
        for (String e : events.subList(0, events.size() - 1)) {
            chunks.add(json.readTree(e));
        }
        assertTrue(chunks.size() >= 3, r.body());
        assertEquals("assistant", chunks.getFirst().get("choices").get(0).get("delta").get("role").asString());
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks) {
            assertEquals("chat.completion.chunk", c.get("object").asString());
            assertEquals(chunks.getFirst().get("id").asString(), c.get("id").asString());
            assertEquals(PathProfile.SYNTHETIC_WARNING, c.get("rr").get("warning").asString());
            JsonNode content = c.get("choices").get(0).get("delta").get("content");
            if (content != null) {
                text.append(content.asString());
            }
        }
        JsonNode last = chunks.getLast();
        assertFalse(last.get("choices").get(0).get("finish_reason").isNull());
        int completion = last.get("usage").get("completion_tokens").asInt();
        assertTrue(completion >= 1 && completion <= 6);

        // the streamed text is the same reply the non-streaming call gives for the same seed
        HttpResponse<String> plain = post("""
                {"messages":[{"role":"user","content":"Tell me a story"}],"max_tokens":6,"seed":3}""");
        assertEquals(json.readTree(plain.body()).get("choices").get(0).get("message").get("content").asString(), text.toString());
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
        assertEquals(400, r.statusCode(), r.body());
        JsonNode e = json.readTree(r.body()).get("error");
        assertEquals("invalid_request_error", e.get("type").asString(), r.body());
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
        assertEquals(expectedExperts(), model.get("experts").asInt());
        assertEquals(2, model.get("trained_top_k").asInt());
        assertTrue(model.get("active_params_per_token").asLong() > 0);
        // this build machine has no GPU: auto serves on the CPU and says why
        assertEquals("cpu", model.get("backend").asString());
        assertTrue(model.get("backend_name").asString().startsWith("cpu ("), info.body());
        assertTrue(model.get("backend_reason").asString().startsWith("rr.engine.backend="), info.body());
        HttpResponse<String> prom = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        String p = prom.body();
        assertTrue(p.contains("rr_generation_tokens_total{"), p);
        assertTrue(p.contains("rr_generation_ttft_seconds_bucket{"), "ttft histogram");
        assertTrue(p.matches("(?s).*rr_generation_active_experts\\{[^}]*path=\"" + path() + "\"[^}]*} " + expectedExperts() + "\\.0.*"),
                "active experts gauge");
        assertTrue(p.contains("rr_generation_kv_cache_bytes_per_token{"), "kv gauge");
    }
}
