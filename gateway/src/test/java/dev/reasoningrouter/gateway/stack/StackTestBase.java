package dev.reasoningrouter.gateway.stack;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway in-process (random port) in front of the real {@link TestStack}: the real classifier, both path services
 * and the broker. Three keys: {@link #KEY} (no limits), {@link #TIGHT_KEY} (2 requests a minute) and
 * {@link #TOKENS_KEY} (50 tokens a minute). The reasoning path's circuit opens after two failures in a window of four
 * and tries again after two seconds, so that an outage test runs in seconds.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class StackTestBase {
    public static final String KEY = "sk-rr-test-main-6f0c3b8e2a9d4f17";
    public static final String TIGHT_KEY = "sk-rr-test-tight-1d2e3f4a5b6c7d8e";
    public static final String TOKENS_KEY = "sk-rr-test-tokens-9a8b7c6d5e4f3a2b";
    protected static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    protected static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void stack(DynamicPropertyRegistry r) {
        TestStack stack = TestStack.get();
        r.add("spring.kafka.bootstrap-servers", stack::bootstrap);
        r.add("rr.classifier-url", () -> stack.classifier().url());
        r.add("rr.fast-path-url", () -> stack.fast().url());
        r.add("rr.reasoning-path-url", () -> stack.reasoning().url());
        r.add("rr.auth.api-keys", () -> "");
        key(r, 0, "main", KEY, 0, 0);
        key(r, 1, "tight", TIGHT_KEY, 2, 0);
        key(r, 2, "tokens", TOKENS_KEY, 0, 50);
        r.add("rr.limits.max-body-bytes", () -> "65536");
        r.add("rr.resilience.downstreams.reasoning-path.minimum-number-of-calls", () -> "2");
        r.add("rr.resilience.downstreams.reasoning-path.sliding-window-size", () -> "4");
        r.add("rr.resilience.downstreams.reasoning-path.wait-in-open-state", () -> "2s");
        r.add("rr.resilience.downstreams.reasoning-path.retry-wait", () -> "50ms");
        // the classifier shares two cores with three services here: give it time, so that routing is its, not the heuristic's
        r.add("rr.resilience.downstreams.classifier.timeout", () -> "10s");
    }

    private static void key(DynamicPropertyRegistry r, int i, String name, String key, long rpm, long tpm) {
        r.add("rr.auth.keys[" + i + "].name", () -> name);
        r.add("rr.auth.keys[" + i + "].key", () -> key);
        r.add("rr.auth.keys[" + i + "].requests-per-minute", () -> Long.toString(rpm));
        r.add("rr.auth.keys[" + i + "].tokens-per-minute", () -> Long.toString(tpm));
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The official OpenAI Java SDK, pointed at the gateway; no retries, so that what the gateway said is what the test sees. */
    protected OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl() + "/v1").apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(120)).build();
    }

    protected HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Authorization", "Bearer " + KEY)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> postJson(String path, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Uploads a batch input file (multipart, as any client sends it) and creates a batch of it; returns the batch's id. */
    protected String batchOf(String jsonl) throws Exception {
        String boundary = "rr-" + System.nanoTime();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"input.jsonl\"\r\nContent-Type: application/jsonl\r\n\r\n"
                + jsonl + "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> file = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/files"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (file.statusCode() != 200) {
            throw new AssertionError("upload failed: " + file.statusCode() + " " + file.body());
        }
        String fileId = JSON.readTree(file.body()).path("id").asString();
        HttpResponse<String> batch = postJson("/v1/batches", KEY, "{\"input_file_id\":\"" + fileId
                + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        if (batch.statusCode() != 200) {
            throw new AssertionError("batch creation failed: " + batch.statusCode() + " " + batch.body());
        }
        return JSON.readTree(batch.body()).path("id").asString();
    }

    /** One line of the gateway's Prometheus text that starts with {@code prefix}, or null. */
    protected String metric(String prefix) throws Exception {
        for (String line : get("/actuator/prometheus").body().split("\n")) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }
}
