package dev.reasoningrouter.engine.serving;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** OpenAI chat-completion bodies (plain maps, so any JSON library writes them), each with the path's "rr" block. */
public final class ChatResponses {
    private ChatResponses() {}

    public static String newId() {
        return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    }

    /** The model name a response reports: the served model's own (the client's requested name is not trusted). */
    public static Map<String, Object> completion(String id, long created, PathProfile profile, ChatOutcome out) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", out.text());
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("message", message);
        choice.put("logprobs", null);
        choice.put("finish_reason", out.openAiFinishReason());
        Map<String, Object> m = head(id, "chat.completion", created, profile);
        m.put("choices", List.of(choice));
        m.put("usage", usage(out));
        m.put("rr", profile.toMap());
        return m;
    }

    /** A streaming chunk; {@code role}, {@code content} and {@code finishReason} may each be null. */
    public static Map<String, Object> chunk(String id, long created, PathProfile profile, String role, String content,
                                            String finishReason, ChatOutcome usageFrom) {
        Map<String, Object> delta = new LinkedHashMap<>();
        if (role != null) {
            delta.put("role", role);
        }
        if (content != null) {
            delta.put("content", content);
        }
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("logprobs", null);
        choice.put("finish_reason", finishReason);
        Map<String, Object> m = head(id, "chat.completion.chunk", created, profile);
        m.put("choices", List.of(choice));
        if (usageFrom != null) {
            m.put("usage", usage(usageFrom));
        }
        m.put("rr", profile.toMap());
        return m;
    }

    public static Map<String, Object> usage(ChatOutcome out) {
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("prompt_tokens", out.promptTokens());
        u.put("completion_tokens", out.completionTokens());
        u.put("total_tokens", out.promptTokens() + out.completionTokens());
        return u;
    }

    private static Map<String, Object> head(String id, String object, long created, PathProfile profile) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", object);
        m.put("created", created);
        m.put("model", profile.modelName());
        return m;
    }
}
