package dev.reasoningrouter.reasoningpath.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reasoningrouter.pathserving.ChatCompletionsApiContract;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The shared chat completions contract on the reasoning path (the trained top-k 2, whatever rr.fast.experts says), and
 * what only it does: thinking, and the verification loop with its report, over real HTTP on the tiny model.
 */
class ChatCompletionsApiTest extends ChatCompletionsApiContract {

    @DynamicPropertySource
    static void fastSettingMustNotLeak(DynamicPropertyRegistry r) {
        // a fast-path setting must not leak into this path
        r.add("rr.fast.experts", () -> "1");
        // a random-weight model never closes its thinking: keep drafts short
        r.add("rr.reasoning.verification.critique-tokens", () -> "4");
    }

    @Override
    protected String path() {
        return "reasoning";
    }

    @Override
    protected int expectedExperts() {
        return 2;
    }

    @Override
    protected String expertsReason() {
        return "the reasoning path uses the trained top-k 2 (the fast path uses 1)";
    }

    @Override
    protected boolean verifies() {
        return true;
    }

    @Test
    void answersCarryTheirThinkingAndTheVerificationReport() throws Exception {
        HttpResponse<String> r = post("""
                {"messages":[{"role":"user","content":"What is 17 * 23?"}],"max_tokens":8,"seed":5,"rr":{"max_rounds":2}}""");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode b = json.readTree(r.body());
        JsonNode message = b.get("choices").get(0).get("message");
        String reasoning = message.get("reasoning_content").asString();
        assertTrue(reasoning.startsWith("Round 1: drafting"), reasoning);
        assertTrue(reasoning.contains("Critic, round 1: score"), reasoning);
        JsonNode v = b.get("rr").get("verification");
        int rounds = v.get("rounds").asInt();
        assertTrue(rounds >= 1 && rounds <= 2, r.body());
        assertEquals(rounds, v.get("scores").size(), r.body());
        int chosen = v.get("chosen_round").asInt();
        assertTrue(chosen >= 1 && chosen <= rounds, r.body());
        double best = 0;
        for (JsonNode s : v.get("scores")) {
            assertTrue(s.asDouble() >= 0 && s.asDouble() <= 1, r.body());
            best = Math.max(best, s.asDouble());
        }
        assertEquals(best, v.get("scores").get(chosen - 1).asDouble(), 1e-12, "the best-scored draft is returned");
        assertEquals(v.get("accepted").asBoolean(), best >= 0.5, r.body());
        assertTrue(List.of("accepted", "rounds", "tokens", "time").contains(v.get("stop_reason").asString()), r.body());
        assertEquals("model-critic", v.get("verifier").asString());
        int completion = b.get("usage").get("completion_tokens").asInt();
        int reasoningTokens = b.get("usage").get("completion_tokens_details").get("reasoning_tokens").asInt();
        assertTrue(reasoningTokens > 0 && reasoningTokens <= completion, r.body());
    }

    @Test
    void verifyFalseAsksForOneDraftWithoutTheCritic() throws Exception {
        HttpResponse<String> r = post("""
                {"messages":[{"role":"user","content":"What is 17 * 23?"}],"max_tokens":8,"seed":5,"rr":{"verify":false}}""");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode b = json.readTree(r.body());
        assertFalse(b.get("rr").has("verification"), r.body());
        assertTrue(b.get("usage").get("completion_tokens").asInt() <= 8, "one draft, no critique: " + r.body());
    }

    @Test
    void streamingSendsTheRoundsAsReasoningAndTheChosenAnswerAsContent() throws Exception {
        HttpResponse<String> r = post("""
                {"messages":[{"role":"user","content":"Sort 3, 1, 2"}],"max_tokens":6,"seed":9,"stream":true,
                 "rr":{"max_rounds":1,"samples":2}}""");
        assertEquals(200, r.statusCode(), r.body());
        List<String> events = events(r.body());
        assertEquals("[DONE]", events.getLast());
        StringBuilder reasoning = new StringBuilder();
        boolean contentSeen = false;
        JsonNode last = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode c = json.readTree(e);
            JsonNode delta = c.get("choices").get(0).get("delta");
            if (delta.has("reasoning_content")) {
                assertFalse(contentSeen, "the rounds stream before the chosen answer");
                reasoning.append(delta.get("reasoning_content").asString());
            }
            if (delta.has("content")) {
                contentSeen = true;
            }
            last = c;
        }
        assertTrue(reasoning.toString().contains("Self-consistency over 2 samples"), reasoning.toString());
        JsonNode v = last.get("rr").get("verification");
        assertEquals(1, v.get("rounds").asInt(), last.toString());
        assertEquals(2, v.get("samples").asInt());
    }
}
