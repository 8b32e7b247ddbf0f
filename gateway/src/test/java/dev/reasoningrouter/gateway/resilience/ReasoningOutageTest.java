package dev.reasoningrouter.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.reasoningrouter.gateway.stack.StackTestBase;
import dev.reasoningrouter.gateway.stack.TestStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The must-show resilience test: with the reasoning path stopped, {@code auto} requests that route there are answered
 * by the fast path and marked degraded (JSON and streamed), the reasoning path's circuit opens; once the path is back,
 * the circuit closes and routing is normal again.
 */
class ReasoningOutageTest extends StackTestBase {
    private static final String HARD = "Prove that the square root of 2 is irrational.";

    private ChatCompletionCreateParams hard() {
        return ChatCompletionCreateParams.builder().model("auto").addUserMessage(HARD).maxTokens(4).seed(3).build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> rr(ChatCompletion c) {
        return c._additionalProperties().get("rr").convert(Map.class);
    }

    @Test
    void withTheReasoningPathDownAnswersAreDegradedAndAfterItReturnsTheCircuitClosesAgain() throws Exception {
        TestStack stack = TestStack.get();
        assertThat(rr(client(KEY).chat().completions().create(hard()))).containsEntry("route", "reasoning").containsEntry("degraded", false);

        stack.reasoning().stop();
        try {
            for (int i = 0; i < 4; i++) {
                HttpResponseFor<ChatCompletion> raw = client(KEY).chat().completions().withRawResponse().create(hard());
                Map<String, Object> rr = rr(raw.parse());
                assertThat(rr).as("request %d during the outage", i).containsEntry("planned_route", "reasoning")
                        .containsEntry("route", "fast").containsEntry("degraded", true).containsEntry("path", "fast")
                        .containsEntry("route_source", "classifier");
                assertThat(rr.get("degraded_reason").toString()).contains("reasoning-path").contains("unavailable");
                assertThat(raw.headers().values("X-RR-Degraded")).containsExactly("true");
                assertThat(raw.headers().values("X-RR-Route")).containsExactly("fast");
            }
            assertThat(metric("resilience4j_circuitbreaker_state{")).isNotNull();
            assertThat(circuit("open")).as("the reasoning path's circuit is open").isEqualTo(1.0);
            Map<String, Object> last = rr(client(KEY).chat().completions().create(hard()));
            assertThat(last.get("degraded_reason").toString()).contains("circuit is open");

            // a stream degrades the same way, before its first byte
            try (StreamResponse<ChatCompletionChunk> stream = client(KEY).chat().completions().createStreaming(hard())) {
                List<ChatCompletionChunk> chunks = stream.stream().toList();
                assertThat(chunks).isNotEmpty();
                @SuppressWarnings("unchecked")
                Map<String, Object> rr = chunks.getFirst()._additionalProperties().get("rr").convert(Map.class);
                assertThat(rr).containsEntry("route", "fast").containsEntry("degraded", true);
            }
        } finally {
            stack.reasoning().start();
            stack.reasoning().awaitHealthy(Duration.ofSeconds(240));
        }

        // the circuit half-opens after its wait, lets trial calls through and closes when they succeed
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Map<String, Object> rr;
        do {
            rr = rr(client(KEY).chat().completions().create(hard()));
        } while (Boolean.TRUE.equals(rr.get("degraded")) && System.nanoTime() < deadline && pause());
        assertThat(rr).containsEntry("route", "reasoning").containsEntry("degraded", false);
        client(KEY).chat().completions().create(hard()); // the second trial call of the half-open state
        assertThat(circuit("closed")).as("the reasoning path's circuit is closed").isEqualTo(1.0);
        assertThat(rr(client(KEY).chat().completions().create(hard()))).containsEntry("route", "reasoning").containsEntry("degraded", false);
    }

    private double circuit(String state) throws Exception {
        String line = metric("resilience4j_circuitbreaker_state{application=\"gateway\",group=\"none\",name=\"reasoning-path\",state=\""
                + state + "\"}");
        assertThat(line).as("circuit state metric for " + state).isNotNull();
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    private static boolean pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
