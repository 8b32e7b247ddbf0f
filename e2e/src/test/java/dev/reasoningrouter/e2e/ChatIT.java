package dev.reasoningrouter.e2e;

import static dev.reasoningrouter.e2e.E2e.gateway;
import static dev.reasoningrouter.e2e.E2e.quote;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.e2e.E2e.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Chat completions through the gateway of the shared stack, as a client sees them: the models {@code fast},
 * {@code reasoning} and {@code auto}, JSON and Server-Sent Events, the {@code X-RR-*} headers and the {@code rr}
 * object, and {@code /v1/models}. The model is the shipped trained one; {@code max_tokens} is kept small.
 *
 * <p>The stack runs with the fast path's confidence floor at 1 ({@link SharedStack}), so an {@code auto} request the
 * classifier sends to the fast route always comes back with an escalate hint: escalation is checked exactly.
 */
@Order(2)
@ExtendWith(SharedStack.class)
class ChatIT {
    private static final String EASY = "What is 4821 + 795?";
    private static final String HARD = "Prove that the square root of 2 is irrational, step by step.";

    private static String chat(String model, String text, int maxTokens, String extra) {
        return "{\"model\":" + quote(model) + ",\"messages\":[{\"role\":\"user\",\"content\":" + quote(text) + "}],"
                + "\"max_tokens\":" + maxTokens + ",\"seed\":7" + (extra == null ? "" : "," + extra) + "}";
    }

    @Test
    @Order(1)
    void modelsListsAutoFastAndReasoning() {
        Response r = gateway("GET", "/v1/models", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.path("object").asString()).isEqualTo("list");
        Set<String> ids = new HashSet<>();
        for (JsonNode m : body.path("data")) {
            ids.add(m.path("id").asString());
            assertThat(m.path("object").asString()).isEqualTo("model");
        }
        assertThat(ids).contains("auto", "fast", "reasoning");
        Response unauthorised = E2e.send("GET", SharedStack.stack().baseUrl("gateway") + "/v1/models", Map.of(), null,
                Duration.ofSeconds(10));
        assertThat(unauthorised.status()).isEqualTo(401);
        assertThat(E2e.assertOpenAiError(unauthorised).path("code").asString()).isEqualTo("missing_api_key");
    }

    @Test
    @Order(2)
    void fastIsAnsweredByTheFastPathWithAReducedExpertBudget() {
        Response r = gateway("POST", "/v1/chat/completions", chat("fast", EASY, 8, null));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("X-RR-Route")).isEqualTo("fast");
        assertThat(r.header("X-RR-Route-Source")).isEqualTo("forced");
        assertThat(r.header("X-RR-Degraded")).isEqualTo("false");
        assertThat(r.header("X-RR-Escalated")).isEqualTo("false");
        assertThat(r.header("X-RR-Requested-Model")).isEqualTo("fast");
        assertThat(r.header("X-RR-Upstream")).isEqualTo("fast-path");
        assertThat(r.header("X-RR-Path")).isEqualTo("fast");
        assertThat(r.header("X-Request-Id")).isNotBlank();
        JsonNode body = r.json();
        assertThat(body.path("object").asString()).isEqualTo("chat.completion");
        assertThat(body.path("choices").get(0).path("message").path("content").asString()).isNotBlank();
        JsonNode usage = body.path("usage");
        assertThat(usage.path("completion_tokens").asInt()).isBetween(1, 8);
        assertThat(usage.path("total_tokens").asInt())
                .isEqualTo(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt());
        JsonNode rr = body.path("rr");
        assertThat(rr.path("route").asString()).isEqualTo("fast");
        assertThat(rr.path("route_source").asString()).isEqualTo("forced");
        assertThat(rr.path("requested_model").asString()).isEqualTo("fast");
        assertThat(rr.path("degraded").asBoolean(true)).isFalse();
        assertThat(rr.path("escalated").asBoolean(true)).isFalse();
        assertThat(rr.path("experts_per_token").asInt()).isGreaterThan(0).isLessThan(rr.path("trained_top_k").asInt());
        assertThat(rr.path("active_params_per_token").asLong()).isLessThan(rr.path("total_params").asLong());
        // a forced route is never escalated, even though its answer is below the stack's floor of 1
        assertThat(rr.path("escalate").path("suggested").asBoolean(false)).isTrue();
    }

    @Test
    @Order(3)
    void reasoningIsAnsweredByTheReasoningPathWithTheTrainedTopKAndVerification() {
        Response r = gateway("POST", "/v1/chat/completions", chat("reasoning", EASY, 24, "\"rr\":{\"max_rounds\":1}"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("X-RR-Route")).isEqualTo("reasoning");
        assertThat(r.header("X-RR-Route-Source")).isEqualTo("forced");
        assertThat(r.header("X-RR-Upstream")).isEqualTo("reasoning-path");
        assertThat(r.header("X-RR-Path")).isEqualTo("reasoning");
        JsonNode rr = r.json().path("rr");
        assertThat(rr.path("route").asString()).isEqualTo("reasoning");
        assertThat(rr.path("experts_per_token").asInt()).isEqualTo(rr.path("trained_top_k").asInt());
        JsonNode verification = rr.path("verification");
        assertThat(verification.isObject()).as(r.body()).isTrue();
        assertThat(verification.path("rounds").asInt()).isEqualTo(1);
        assertThat(r.json().path("usage").path("completion_tokens").asInt()).isPositive();
    }

    @Test
    @Order(4)
    void autoRoutesByTheClassifiersScoreAndReportsIt() {
        for (String text : List.of(EASY, HARD)) {
            Response classified = gateway("POST", "/v1/classify", "{\"text\":" + quote(text) + "}");
            assertThat(classified.status()).as(classified.body()).isEqualTo(200);
            double score = classified.json().path("score").asDouble();
            double threshold = classified.json().path("threshold").asDouble();
            String expected = score >= threshold ? "reasoning" : "fast";
            // escalation off: the route that answers is the planned one
            Response r = gateway("POST", "/v1/chat/completions",
                    chat("auto", text, 8, "\"rr\":{\"escalate\":false,\"verify\":false}"));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.header("X-RR-Route-Source")).isEqualTo("classifier");
            assertThat(r.header("X-RR-Route")).as(text).isEqualTo(expected);
            assertThat(Double.parseDouble(r.header("X-RR-Complexity-Score"))).isCloseTo(score, org.assertj.core.data.Offset.offset(1e-4));
            assertThat(r.header("X-RR-Requested-Model")).isEqualTo("auto");
            JsonNode rr = r.json().path("rr");
            assertThat(rr.path("planned_route").asString()).isEqualTo(expected);
            assertThat(rr.path("score").asDouble()).isCloseTo(score, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(rr.path("threshold").asDouble()).isEqualTo(threshold);
            assertThat(rr.path("classifier_version").asString()).isNotBlank();
            assertThat(rr.path("routing_ms").asDouble()).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    @Order(5)
    void aRequestThresholdMovesTheRoute() {
        Response low = gateway("POST", "/v1/chat/completions", chat("auto", EASY, 8, "\"rr\":{\"threshold\":0,\"verify\":false}"));
        assertThat(low.status()).as(low.body()).isEqualTo(200);
        assertThat(low.header("X-RR-Route")).isEqualTo("reasoning");
        assertThat(low.json().path("rr").path("threshold").asDouble()).isEqualTo(0.0);
        Response high = gateway("POST", "/v1/chat/completions", chat("auto", HARD, 8, "\"rr\":{\"threshold\":1,\"escalate\":false}"));
        assertThat(high.status()).as(high.body()).isEqualTo(200);
        assertThat(high.header("X-RR-Route")).isEqualTo("fast");
        assertThat(high.json().path("rr").path("threshold").asDouble()).isEqualTo(1.0);
    }

    @Test
    @Order(6)
    void aFastAnswerBelowTheFloorIsEscalatedToTheReasoningPath() {
        Response r = gateway("POST", "/v1/chat/completions", chat("auto", EASY, 8, "\"rr\":{\"threshold\":1,\"verify\":false}"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("X-RR-Escalated")).isEqualTo("true");
        assertThat(r.header("X-RR-Route")).isEqualTo("reasoning");
        JsonNode rr = r.json().path("rr");
        assertThat(rr.path("planned_route").asString()).isEqualTo("fast");
        assertThat(rr.path("route").asString()).isEqualTo("reasoning");
        assertThat(rr.path("escalated").asBoolean()).isTrue();
        assertThat(rr.path("escalation").path("from").asString()).isEqualTo("fast");
        assertThat(rr.path("escalation").path("reason").asString()).contains("below the floor");
        assertThat(rr.path("escalation").path("confidence").asDouble()).isBetween(0.0, 1.0);
        assertThat(rr.path("experts_per_token").asInt()).isEqualTo(rr.path("trained_top_k").asInt());
    }

    @Test
    @Order(7)
    void streamingIsServerSentEventsWithTheRrObjectUsageAndDone() {
        Response r = gateway("POST", "/v1/chat/completions",
                chat("fast", EASY, 8, "\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/event-stream");
        assertThat(r.header("X-RR-Route")).isEqualTo("fast");
        List<String> data = dataLines(r.body());
        assertThat(data).isNotEmpty();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        assertThat(data.subList(0, data.size() - 1)).doesNotContain("[DONE]");
        StringBuilder content = new StringBuilder();
        JsonNode usage = null;
        String finish = null;
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode chunk = E2e.JSON.readTree(d);
            assertThat(chunk.has("error")).as(d).isFalse();
            assertThat(chunk.path("object").asString()).isEqualTo("chat.completion.chunk");
            if (chunk.path("choices").isEmpty()) {
                usage = chunk.path("usage"); // include_usage: the last chunk before [DONE]
                continue;
            }
            assertThat(usage).as("no chunk after the usage chunk").isNull();
            assertThat(chunk.path("rr").path("route").asString()).as(d).isEqualTo("fast");
            assertThat(chunk.path("rr").path("route_source").asString()).as(d).isEqualTo("forced");
            JsonNode choice = chunk.path("choices").get(0);
            content.append(choice.path("delta").path("content").asString(""));
            if (choice.hasNonNull("finish_reason")) {
                finish = choice.get("finish_reason").asString();
            }
        }
        assertThat(content.toString()).isNotBlank();
        assertThat(finish).isIn("stop", "length");
        assertThat(usage).as("the usage chunk").isNotNull();
        assertThat(usage.path("completion_tokens").asInt()).isBetween(1, 8);
        assertThat(E2e.JSON.readTree(data.get(data.size() - 2)).path("choices").isEmpty()).isTrue();
    }

    @Test
    @Order(8)
    void autoStreamsFromTheReasoningRouteWithItsThinking() {
        Response r = gateway("POST", "/v1/chat/completions",
                chat("auto", HARD, 16, "\"stream\":true,\"rr\":{\"threshold\":0,\"verify\":false}"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("X-RR-Route")).isEqualTo("reasoning");
        List<String> data = dataLines(r.body());
        assertThat(data.getLast()).isEqualTo("[DONE]");
        boolean sawRr = false;
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode chunk = E2e.JSON.readTree(d);
            assertThat(chunk.has("error")).as(d).isFalse();
            if (!chunk.path("choices").isEmpty()) {
                assertThat(chunk.path("rr").path("route").asString()).isEqualTo("reasoning");
                assertThat(chunk.path("rr").path("route_source").asString()).isEqualTo("classifier");
                sawRr = true;
            }
        }
        assertThat(sawRr).isTrue();
    }

    /** The {@code data:} payloads of an SSE body, in order. */
    static List<String> dataLines(String sse) {
        List<String> out = new ArrayList<>();
        for (String line : sse.split("\r?\n")) {
            if (line.startsWith("data:")) {
                out.add(line.substring(5).strip());
            }
        }
        return out;
    }
}
