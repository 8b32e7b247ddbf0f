package dev.reasoningrouter.fastpath.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reasoningrouter.pathserving.ChatCompletionsApiContract;
import dev.reasoningrouter.pathserving.api.ChatCompletionsController;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The shared chat completions contract on the fast path (the tiny model's top-k 2 runs with 1 expert), and its confidence. */
class ChatCompletionsApiTest extends ChatCompletionsApiContract {

    @Override
    protected String path() {
        return "fast";
    }

    @Override
    protected int expectedExperts() {
        return 1;
    }

    @Override
    protected String expertsReason() {
        return "tiny has top-k 2: the fast path uses max(1, 2/3) = 1";
    }

    @Test
    void answersCarryTheirConfidenceAndTheEscalationHint() throws Exception {
        HttpResponse<String> r = post("""
                {"messages":[{"role":"user","content":"What is the capital of France?"}],"max_tokens":6}""");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode b = json.readTree(r.body());
        JsonNode rr = b.get("rr");
        double confidence = rr.get("confidence").asDouble();
        assertTrue(confidence >= 0 && confidence <= 1, r.body());
        JsonNode escalate = rr.get("escalate");
        assertEquals(0.35, escalate.get("floor").asDouble(), 1e-12);
        assertEquals(confidence < 0.35 || b.get("choices").get(0).get("message").get("content").asString().isBlank(),
                escalate.get("suggested").asBoolean(), r.body());
        assertFalse(escalate.get("reason").asString().isBlank());
        assertEquals(Boolean.toString(escalate.get("suggested").asBoolean()),
                r.headers().firstValue(ChatCompletionsController.ESCALATE_HEADER).orElse(null));
        assertEquals(confidence, Double.parseDouble(r.headers().firstValue(ChatCompletionsController.CONFIDENCE_HEADER).orElseThrow()), 1e-4);
        assertFalse(b.get("choices").get(0).get("message").has("reasoning_content"), "the fast path does not think");
        assertEquals(0, b.get("usage").get("completion_tokens_details").get("reasoning_tokens").asInt());
    }
}
