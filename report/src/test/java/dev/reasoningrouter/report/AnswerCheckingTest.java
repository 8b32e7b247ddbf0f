package dev.reasoningrouter.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The answer in a gateway response, read and checked against the known answer with the trainer's checker. */
class AnswerCheckingTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final GatewayClient client = new GatewayClient("http://127.0.0.1:1", "k",
            new GatewayClient.Settings(64, 0.0, Duration.ofSeconds(1)), JSON);
    private final Query sum = new Query("addition", 3, "What is 4821 + 795?", "5616");
    private final Query sort = new Query("sorting", 2, "Sort these numbers from smallest to largest: 42, 7, 19, 3.", "3, 7, 19, 42");

    private Outcome read(Query q, String body) {
        return client.read(Route.AUTO, q, 200, Map.of(), body, 1_000_000);
    }

    private static String body(String content, String rrExtra) {
        return """
                {"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":%s,
                 "reasoning_content":"4821+795\\n1+5+0=6 482+79 c0 r6"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":21,"completion_tokens":104,"total_tokens":125,"completion_tokens_details":{"reasoning_tokens":98}},
                 "rr":{"path":"reasoning","experts_per_token":4,"active_params_per_token":3013632%s}}
                """.formatted(JSON.writeValueAsString(content), rrExtra);
    }

    @Test
    void theKnownAnswerIsCorrectUpToCaseSpacingAndAFullStop() {
        assertThat(read(sum, body("5616", "")).correct()).isTrue();
        assertThat(read(sum, body(" 5616.", "")).correct()).isTrue();
        assertThat(read(sort, body("3,7, 19 ,42", "")).correct()).isTrue();
    }

    @Test
    void anyOtherAnswerIsWrong() {
        assertThat(read(sum, body("5617", "")).correct()).isFalse();
        assertThat(read(sum, body("56160", "")).correct()).isFalse();
        assertThat(read(sum, body("", "")).correct()).isFalse();
        assertThat(read(sort, body("3, 7, 42, 19", "")).correct()).isFalse();
        assertThat(read(sort, body("3, 7, 19", "")).correct()).isFalse();
    }

    @Test
    void aThinkingBlockLeftInTheContentIsNotTheAnswer() {
        Outcome o = read(sum, body("<think>\n4821+795 ... =5615\n</think>\n5616", ""));
        assertThat(o.extractedAnswer()).isEqualTo("5616");
        assertThat(o.correct()).isTrue();
        assertThat(read(sum, body("<think>\n=5616\n</think>\n5615", "")).correct()).isFalse();
    }

    @Test
    void theRrObjectGivesRouteEscalationCostAndRounds() {
        Outcome o = read(sum, body("5616", """
                ,"route":"reasoning","route_source":"classifier","escalated":true,"degraded":false,
                 "verification":{"rounds":2,"accepted":true,"chosen_round":2,"scores":[0.1,0.9],"verifier":"re-solve"}"""));
        assertThat(o.ok()).isTrue();
        assertThat(o.answeredBy()).isEqualTo("reasoning");
        assertThat(o.routeSource()).isEqualTo("classifier");
        assertThat(o.escalated()).isTrue();
        assertThat(o.degraded()).isFalse();
        assertThat(o.verificationRounds()).isEqualTo(2);
        assertThat(o.verifier()).isEqualTo("re-solve");
        assertThat(o.promptTokens()).isEqualTo(21);
        assertThat(o.completionTokens()).isEqualTo(104);
        assertThat(o.reasoningTokens()).isEqualTo(98);
        assertThat(o.activeParamsPerToken()).isEqualTo(3013632);
        assertThat(o.activeParamTokens()).isEqualTo(3013632.0 * 125);
    }

    @Test
    void headersStandInWhereTheBodySaysNothing() {
        Outcome o = client.read(Route.AUTO, sum, 200, Map.of("x-rr-route", List.of("fast"), "X-RR-Escalated", List.of("false"),
                "X-RR-Degraded", List.of("true")), body("5616", ""), 1);
        assertThat(o.answeredBy()).isEqualTo("fast");
        assertThat(o.degraded()).isTrue();
        assertThat(o.verificationRounds()).isEqualTo(-1);
        assertThat(o.verifier()).isNull();
    }

    @Test
    void errorsAndBodiesWithoutAnAnswerAreWrongWithTheReason() {
        Outcome e = client.read(Route.FAST, sum, 503, Map.of(), "{\"error\":{\"message\":\"upstream_unavailable\"}}", 5);
        assertThat(e.ok()).isFalse();
        assertThat(e.correct()).isFalse();
        assertThat(e.error()).startsWith("HTTP 503").contains("upstream_unavailable");
        Outcome notJson = client.read(Route.FAST, sum, 200, Map.of(), "5616", 5);
        assertThat(notJson.ok()).isFalse();
        assertThat(notJson.correct()).isFalse();
        Outcome noMessage = client.read(Route.FAST, sum, 200, Map.of(), "{\"choices\":[]}", 5);
        assertThat(noMessage.error()).startsWith("no message content");
    }
}
