package dev.reasoningrouter.pathserving.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reasoningrouter.contracts.OpenAiException;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatCompletionRequestTest {
    static final ChatCompletionRequest.Limits LIMITS = new ChatCompletionRequest.Limits(100, 16, 1.0, 4, 3);

    static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("messages", List.of(Map.of("role", "user", "content", "hi")));
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static OpenAiException refused(Map<String, Object> body) {
        return assertThrows(OpenAiException.class, () -> ChatCompletionRequest.parse(body, LIMITS));
    }

    @Test
    void parsesAFullRequest() {
        var r = ChatCompletionRequest.parse(body("model", "x", "max_tokens", 5, "temperature", 0.5, "top_p", 0.9, "seed", 3,
                "stop", "END", "stream", true, "messages", List.of(Map.of("role", "system", "content", "s"),
                        Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", "a"), Map.of("type", "text", "text", "b"))))),
                LIMITS);
        assertEquals(List.of(new ChatTurn("system", "s"), new ChatTurn("user", "ab")), r.messages());
        assertEquals(5, r.maxTokens());
        assertEquals(3, r.seed());
        assertEquals(List.of("END"), r.stop());
        assertTrue(r.stream());
        assertEquals(0.5, r.sampling().temperature());
        assertEquals(List.of("END"), r.sampling().stopStrings());
    }

    @Test
    void defaults() {
        var r = ChatCompletionRequest.parse(body(), LIMITS);
        assertEquals(16, r.maxTokens());
        assertEquals(1.0, r.temperature());
        assertFalse(r.stream());
        assertFalse(r.includeUsage());
        assertEquals(1, r.samples());
        assertEquals(0, r.maxRounds());
    }

    @Test
    void streamOptionsAndTheRrExtension() {
        var r = ChatCompletionRequest.parse(body("stream", true, "stream_options", Map.of("include_usage", true),
                "rr", Map.of("samples", 3, "max_rounds", 2)), LIMITS);
        assertTrue(r.includeUsage());
        assertEquals(3, r.samples());
        assertEquals(2, r.maxRounds());
        assertTrue(r.verify());
        assertFalse(ChatCompletionRequest.parse(body("rr", Map.of("verify", false)), LIMITS).verify());
        var greedy = ChatCompletionRequest.parse(body(), new ChatCompletionRequest.Limits(100, 16, 0.0, 1, 1));
        assertEquals(0.0, greedy.temperature(), "the path's default temperature applies when none is given");
    }

    @Test
    void refusesBadInputNamingTheParameter() {
        Map<String, Object> noMessages = body();
        noMessages.remove("messages");
        assertEquals("messages", refused(noMessages).param());
        assertEquals("messages", refused(body("messages", List.of())).param());
        assertEquals("messages", refused(body("messages", "hi")).param());
        assertEquals("messages[0].role", refused(body("messages", List.of(Map.of("role", "wizard", "content", "x")))).param());
        assertEquals("messages[0].content", refused(body("messages", List.of(Map.of("role", "user", "content", 3)))).param());
        assertEquals("max_tokens", refused(body("max_tokens", 0)).param());
        assertEquals("max_tokens", refused(body("max_tokens", 101)).param());
        assertEquals("max_tokens", refused(body("max_tokens", "10")).param());
        assertEquals("max_tokens", refused(body("max_tokens", 2.5)).param());
        assertEquals("temperature", refused(body("temperature", 2.5)).param());
        assertEquals("temperature", refused(body("temperature", "hot")).param());
        assertEquals("top_p", refused(body("top_p", 0)).param());
        assertEquals("stop", refused(body("stop", List.of("a", "b", "c", "d", "e"))).param());
        assertEquals("stream", refused(body("stream", "yes")).param());
        OpenAiException e = refused(body("temperature", 3));
        assertEquals(400, e.status());
        assertEquals("invalid_request_error", e.body().error().type());
        assertTrue(e.getMessage().contains("between 0 and 2"), e.getMessage());
        assertEquals("rr.samples", refused(body("rr", Map.of("samples", 5))).param());
        assertEquals("rr.verify", refused(body("rr", Map.of("verify", "no"))).param());
        assertEquals("rr.max_rounds", refused(body("rr", Map.of("max_rounds", 0))).param());
        assertEquals("rr", refused(body("rr", "x")).param());
        assertEquals("stream_options", refused(body("stream_options", Map.of("include_usage", true))).param());
        assertEquals("stream_options.include_usage", refused(body("stream", true, "stream_options", Map.of("include_usage", 1))).param());
        assertEquals(null, assertThrows(OpenAiException.class, () -> ChatCompletionRequest.parse(List.of(), LIMITS)).param());
    }
}
