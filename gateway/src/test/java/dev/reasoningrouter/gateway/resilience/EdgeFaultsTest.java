package dev.reasoningrouter.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.gateway.stack.FakeUpstreams;
import dev.reasoningrouter.kafka.KafkaTestBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Faults at the gateway's edge, with small servers standing in for the classifier and the upstreams: a slow
 * classifier (the heuristic routes), an OpenAI-compatible provider behind the fast route (its own key and model name),
 * a reasoning upstream that answers 500 (degraded answers), streams that break off, end early or stall (an error
 * event and {@code [DONE]}, never a hang), and a provider's 4xx (passed through unchanged).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EdgeFaultsTest {
    private static final FakeUpstreams FAKES = new FakeUpstreams();
    private static final String KEY = "sk-rr-test-edge-2c4e6a8b0d1f3a5c";
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", KafkaTestBroker::bootstrapServers);
        r.add("rr.auth.api-keys", () -> KEY);
        r.add("rr.classifier-url", FAKES::classifierUrl);
        r.add("rr.resilience.downstreams.classifier.timeout", () -> "300ms");
        r.add("rr.resilience.downstreams.stalls.stream-idle-timeout", () -> "1s");
        FAKES.properties().forEach((k, v) -> r.add(k, () -> v));
    }

    @AfterAll
    static void stop() {
        FAKES.close();
    }

    private HttpResponse<String> chat(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String request(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}],"
                + "\"rr\":{\"escalate\":false}}";
    }

    /** The data of each event of an SSE body. */
    private static List<String> events(String body) {
        return java.util.Arrays.stream(body.split("\n\n")).filter(e -> e.startsWith("data: ")).map(e -> e.substring(6)).toList();
    }

    @Test
    void aSlowClassifierIsReplacedByTheHeuristicAndTheAnswerSaysSo() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = chat(request("auto", false));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-RR-Route-Source")).contains("heuristic");
        assertThat(r.body()).contains("\"route_source\":\"heuristic\"").contains("did not answer in time")
                .contains("\"classifier_version\":\"heuristic-2\"");
        assertThat(ms).as("the classifier's 300 ms limit, not its 2 s").isLessThan(1800);
    }

    @Test
    void aProviderBehindTheFastRouteGetsItsOwnKeyAndModelNameAndNoRrExtension() throws Exception {
        int before = FAKES.received().size();
        HttpResponse<String> r = chat("{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"rr\":{\"threshold\":0.2,\"samples\":2}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("hello from the provider").contains("\"rr\":{\"route\":\"fast\"").contains("\"upstream\":\"ok\"");
        assertThat(r.headers().firstValue("X-RR-Upstream")).contains("ok");
        FakeUpstreams.Received got = FAKES.received().get(before);
        assertThat(got.authorization()).isEqualTo("Bearer sk-upstream-secret-42");
        assertThat(got.body()).contains("\"model\":\"tiny-model\"").doesNotContain("\"rr\"").doesNotContain(KEY);
    }

    @Test
    void theClassifyRouteDoesNotHandTheClientsKeyToTheClassifier() throws Exception {
        int before = FAKES.received().size();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/classify"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        FakeUpstreams.Received got = FAKES.received().get(before);
        assertThat(got.body()).isEqualTo("{\"text\":\"hi\"}");
        assertThat(got.authorization()).isNull();
    }

    @Test
    void aReasoningUpstreamAnswering500IsReplacedByTheFastRouteMarkedDegraded() throws Exception {
        HttpResponse<String> r = chat(request("reasoning", false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-RR-Degraded")).contains("true");
        assertThat(r.body()).contains("\"degraded\":true").contains("answered HTTP 500").contains("\"route\":\"fast\"")
                .contains("\"planned_route\":\"reasoning\"");
    }

    @Test
    void aProvidersClientErrorPassesThroughUnchanged() throws Exception {
        HttpResponse<String> r = chat(request("rejects", false));
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).isEqualTo(FakeUpstreams.REJECTION);
        assertThat(r.headers().firstValue("Retry-After")).contains("7");
    }

    @Test
    void aServerErrorWithNoFallbackReachesTheClientAsItCame() throws Exception {
        HttpResponse<String> r = chat(request("fails", false));
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("boom");
    }

    @Test
    void aStreamThatIsCutOffEndsWithAnErrorEventAndDone() throws Exception {
        HttpResponse<String> r = chat(request("breaks", true));
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> events = events(r.body());
        assertThat(events).hasSize(4);
        assertThat(events.get(0)).contains("part0").contains("\"route\":\"breaks\"");
        assertThat(events.get(1)).contains("part1");
        assertThat(events.get(2)).contains("\"code\":\"stream_interrupted\"").contains("broke off");
        assertThat(events.get(3)).isEqualTo("[DONE]");
    }

    @Test
    void aStreamThatEndsWithoutDoneGetsAnErrorEventAndDone() throws Exception {
        List<String> events = events(chat(request("ends", true)).body());
        assertThat(events).hasSize(4);
        assertThat(events.get(2)).contains("stream_interrupted").contains("without [DONE]");
        assertThat(events.get(3)).isEqualTo("[DONE]");
    }

    @Test
    void aStreamThatStallsIsEndedAfterTheIdleTimeoutNotLeftHanging() throws Exception {
        long start = System.nanoTime();
        List<String> events = events(chat(request("stalls", true)).body());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(events).hasSize(3);
        assertThat(events.get(0)).contains("part0");
        assertThat(events.get(1)).contains("stream_interrupted");
        assertThat(events.get(2)).isEqualTo("[DONE]");
        assertThat(ms).as("the 1 s idle limit, not the upstream's 10 s silence").isLessThan(5000);
    }

    @Test
    void aWholeStreamFromAProviderIsRelayedWithTheRoutingInEveryChunk() throws Exception {
        List<String> events = events(chat(request("fast", true)).body());
        assertThat(events).hasSize(4);
        for (int i = 0; i < 3; i++) {
            assertThat(events.get(i)).contains("part" + i).contains("\"upstream\":\"ok\"").contains("\"route_source\":\"forced\"");
        }
        assertThat(events.get(3)).isEqualTo("[DONE]");
    }
}
