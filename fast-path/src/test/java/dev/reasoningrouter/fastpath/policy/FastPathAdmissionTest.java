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
    }

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();
    final JsonMapper json = JsonMapper.builder().build();

    HttpRequest chat(String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void aFullQueueAnswers429WithRetryAfterAndLosesNothing() throws Exception {
        HttpResponse<java.io.InputStream> first = http.send(chat("""
                {"messages":[{"role":"user","content":"Tell me a long story"}],"max_tokens":48,"stream":true}"""),
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
        assertTrue(rest.get().contains("data: [DONE]"), "the admitted request is never dropped");
        HttpResponse<String> third = http.send(chat("""
                {"messages":[{"role":"user","content":"hi"}],"max_tokens":2}"""), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, third.statusCode(), third.body());
    }
}
