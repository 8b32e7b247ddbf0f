package dev.reasoningrouter.fastpath.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reasoningrouter.kafka.KafkaTestBroker;
import dev.reasoningrouter.pathserving.TinyModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bounded admission queue over real HTTP: with room for one request (a batch of one, nothing queued), a second
 * request while the first is streaming gets 429 with Retry-After in OpenAI's shape, and is served once the first is
 * done. Nothing admitted is lost.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FastPathAdmissionTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", KafkaTestBroker::bootstrapServers);
        var model = TinyModel.file();
        r.add("rr.model.path", model::toString);
        r.add("rr.model.threads", () -> "1");
        r.add("rr.model.max-batch", () -> "1");
        r.add("rr.serving.max-queued", () -> "0");
        r.add("rr.generation.max-tokens-limit", () -> "240");
    }

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();
    final JsonMapper json = JsonMapper.builder().build();

    HttpRequest chat(String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** A seed whose sampled reply runs to all 240 tokens without an end-of-sequence (the same seed repeats the reply). */
    long longReplySeed() throws Exception {
        for (long seed = 1; seed <= 50; seed++) {
            HttpResponse<String> r = http.send(chat("""
                    {"messages":[{"role":"user","content":"Tell me a long story"}],"max_tokens":240,"temperature":1,"seed":%d}"""
                    .formatted(seed)), HttpResponse.BodyHandlers.ofString());
            if (json.readTree(r.body()).get("usage").get("completion_tokens").asInt() == 240) {
                return seed;
            }
        }
        throw new AssertionError("no seed in 1..50 gives a 240-token reply");
    }

    @Test
    void aFullQueueAnswers429WithRetryAfterAndLosesNothing() throws Exception {
        long seed = longReplySeed();
        HttpResponse<java.io.InputStream> first = http.send(chat("""
                {"messages":[{"role":"user","content":"Tell me a long story"}],"max_tokens":240,"temperature":1,"seed":%d,
                 "stream":true,"stream_options":{"include_usage":true}}""".formatted(seed)),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, first.statusCode());
        BufferedReader reader = new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8));
        assertTrue(reader.readLine().startsWith("data: "), "the first request is admitted and streaming");

        HttpResponse<String> second = http.send(chat("""
                {"messages":[{"role":"user","content":"hi"}],"max_tokens":2}"""), HttpResponse.BodyHandlers.ofString());
        assertEquals(429, second.statusCode(), second.body());
        long retryAfter = Long.parseLong(second.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        JsonNode error = json.readTree(second.body()).get("error");
        assertEquals("rate_limit_error", error.get("type").asString());
        assertEquals("queue_full", error.get("code").asString());

        // the first one completes in full, then there is room again
        CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> reader.lines().reduce("", (a, b) -> a + b + "\n"));
        String stream = rest.get();
        assertTrue(stream.contains("data: [DONE]"), "the admitted request is never dropped");
        assertTrue(stream.contains("\"completion_tokens\":240"), "the first request held its place for all its tokens");
        HttpResponse<String> third = http.send(chat("""
                {"messages":[{"role":"user","content":"hi"}],"max_tokens":2}"""), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, third.statusCode(), third.body());
    }
}
