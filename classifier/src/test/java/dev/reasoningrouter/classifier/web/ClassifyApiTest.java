package dev.reasoningrouter.classifier.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.classifier.ServiceTestBase;
import dev.reasoningrouter.classifier.model.ComplexityModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ClassifyApiTest extends ServiceTestBase {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    Environment env;
    @Autowired
    ComplexityModel model;

    private HttpResponse<String> post(String path, byte[] body, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.getProperty("local.server.port") + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String json) throws Exception {
        return post("/v1/classify", json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private static JsonNode error(HttpResponse<String> r, int status, String code, String param) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e).as(r.body()).isNotNull();
        assertThat(e.get("message").asString()).isNotBlank();
        assertThat(e.get("type").asString()).isNotBlank();
        assertThat(e.has("param")).isTrue();
        assertThat(e.get("code").asString()).isEqualTo(code);
        if (param != null) {
            assertThat(e.get("param").asString()).isEqualTo(param);
        }
        return e;
    }

    @Test
    void oneQueryGivesOneDecision() throws Exception {
        HttpResponse<String> r = post("{\"text\": \"If a train travels 120 km in 1.5 hours and then 80 km in 0.5 hours, what is its average speed?\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode j = JSON.readTree(r.body());
        assertThat(j.get("route").asString()).isEqualTo("reasoning");
        assertThat(j.get("score").asDouble()).isGreaterThanOrEqualTo(j.get("threshold").asDouble());
        assertThat(j.get("threshold").asDouble()).isEqualTo(model.threshold());
        assertThat(j.get("task_type").asString()).isEqualTo("math");
        assertThat(j.get("task_probability").asDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("model_version").asString()).isEqualTo(model.version());
        assertThat(j.get("latency_ms").asDouble()).isPositive();
        assertThat(j.get("windows").asInt()).isEqualTo(1);
        assertThat(j.get("truncated").asBoolean()).isFalse();
    }

    @Test
    void aListKeepsOrderAndHonoursTheRequestThreshold() throws Exception {
        HttpResponse<String> r = post("{\"text\": [\"hi, how are you?\", \"Write a python function that merges two sorted lists.\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode data = JSON.readTree(r.body()).get("data");
        assertThat(data.size()).isEqualTo(2);
        assertThat(data.get(0).get("index").asInt()).isZero();
        assertThat(data.get(0).get("route").asString()).isEqualTo("fast");
        assertThat(data.get(1).get("route").asString()).isEqualTo("reasoning");
        assertThat(data.get(1).get("task_type").asString()).isEqualTo("code");

        JsonNode all = JSON.readTree(post("{\"text\": \"hi, how are you?\", \"threshold\": 0}").body());
        assertThat(all.get("route").asString()).isEqualTo("reasoning");
        assertThat(all.get("threshold").asDouble()).isZero();
    }

    @Test
    void aChatConversationIsScoredOnItsLastUserMessage() throws Exception {
        JsonNode j = JSON.readTree(post("{\"messages\": [{\"role\": \"system\", \"content\": \"be brief\"},"
                + " {\"role\": \"user\", \"content\": \"Prove that there are infinitely many primes.\"},"
                + " {\"role\": \"assistant\", \"content\": \"Sure.\"},"
                + " {\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"thanks! what's the weather in Rome?\"}]}]}").body());
        assertThat(j.get("route").asString()).isEqualTo("fast");
        error(post("{\"messages\": [{\"role\": \"system\", \"content\": \"x\"}]}"), 400, "empty_text", "messages");
        error(post("{\"messages\": \"hi\"}"), 400, "invalid_type", "messages");
        error(post("{\"messages\": [{\"role\": \"user\", \"content\": 5}]}"), 400, "invalid_type", "messages[0].content");
    }

    @Test
    void longInputSaysItWasWindowed() throws Exception {
        String text = "Please read this report carefully. ".repeat(200) + "How many words does the report have?";
        JsonNode j = JSON.readTree(post(JSON.writeValueAsString(java.util.Map.of("text", text))).body());
        assertThat(j.get("windows").asInt()).isEqualTo(2);
        assertThat(j.get("truncated").asBoolean()).isTrue();
        assertThat(j.get("tokens").asInt()).isGreaterThan(508);
    }

    @Test
    void badInputGetsOpenAiErrors() throws Exception {
        error(post("{}"), 400, "missing_required_parameter", "text");
        error(post("{\"text\": null}"), 400, "missing_required_parameter", "text");
        error(post("{\"text\": \"\"}"), 400, "empty_text", "text");
        error(post("{\"text\": \"   \"}"), 400, "empty_text", "text");
        error(post("{\"text\": 42}"), 400, "invalid_type", "text");
        error(post("{\"text\": {\"a\": 1}}"), 400, "invalid_type", "text");
        error(post("{\"text\": []}"), 400, "empty_text", "text");
        error(post("{\"text\": [\"ok\", 7]}"), 400, "invalid_type", "text[1]");
        error(post("{\"text\": [\"ok\", \"\"]}"), 400, "empty_text", "text[1]");
        error(post("{\"text\": [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]}"), 400, "too_many_items", "text");
        error(post("{\"text\": \"hi\", \"threshold\": \"high\"}"), 400, "invalid_type", "threshold");
        error(post("{\"text\": \"hi\", \"threshold\": 1.5}"), 400, "invalid_value", "threshold");
        error(post("{\"text\": \"hi\""), 400, "invalid_json", null);
        error(post("[\"hi\"]"), 400, "invalid_request", null);
        error(post(""), 400, "invalid_request", null);
        byte[] badUtf8 = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        error(post("/v1/classify", badUtf8, "application/json"), 400, "invalid_encoding", null);
        error(post("/v1/classify", "text=hi".getBytes(StandardCharsets.UTF_8), "text/plain"), 415, "unsupported_media_type", null);
        String big = "{\"text\": \"" + "a".repeat(70_000) + "\"}";
        JsonNode tooLarge = error(post(big), 413, "request_too_large", null);
        assertThat(tooLarge.get("message").asString()).contains("65536");
    }

    @Test
    void metricsArePublished() throws Exception {
        post("{\"text\": \"What is the capital of France?\"}");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + env.getProperty("local.server.port") + "/actuator/prometheus")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .contains("rr_classifier_latency_percentiles_seconds{application=\"classifier\",channel=\"rest\",quantile=\"0.99\"}")
                .contains("rr_classifier_latency_seconds_bucket")
                .contains("rr_classifier_routes_total{application=\"classifier\",channel=\"rest\",route=\"fast\"}")
                .contains("rr_classifier_score_bucket");
    }
}
