package dev.reasoningrouter.pathserving.api;

import dev.reasoningrouter.pathserving.core.Completion;
import dev.reasoningrouter.pathserving.core.EscalationAdvice;
import dev.reasoningrouter.pathserving.core.PathProfile;
import dev.reasoningrouter.pathserving.core.VerificationReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * OpenAI chat-completion bodies (plain maps, so any JSON library writes them), each with the path's {@code rr}
 * block. The model a response names is the served model's own id; the client's requested name is not echoed.
 */
public final class ChatResponses {
    private ChatResponses() {}

    public static String newId() {
        return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    }

    /** A complete {@code chat.completion}. */
    public static Map<String, Object> completion(String id, long created, PathProfile profile, Completion c) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", c.content());
        if (!c.reasoning().isEmpty()) {
            message.put("reasoning_content", c.reasoning());
        }
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("message", message);
        choice.put("logprobs", null);
        choice.put("finish_reason", c.openAiFinishReason());
        Map<String, Object> m = head(id, "chat.completion", created, profile);
        m.put("choices", List.of(choice));
        m.put("usage", usage(c));
        m.put("rr", rr(profile, c));
        return m;
    }

    /** A streaming chunk carrying a delta: {@code role}, {@code reasoning} and {@code content} may each be null. */
    public static Map<String, Object> delta(String id, long created, PathProfile profile, String role, String reasoning,
                                            String content) {
        Map<String, Object> delta = new LinkedHashMap<>();
        if (role != null) {
            delta.put("role", role);
        }
        if (reasoning != null) {
            delta.put("reasoning_content", reasoning);
        }
        if (content != null) {
            delta.put("content", content);
        }
        return chunk(id, created, profile, delta, null, null);
    }

    /** The stream's last choice chunk: an empty delta, the finish reason and the complete {@code rr} block. */
    public static Map<String, Object> finish(String id, long created, PathProfile profile, Completion c) {
        return chunk(id, created, profile, Map.of(), c.openAiFinishReason(), c);
    }

    /** The usage chunk {@code stream_options.include_usage} asks for: no choices, the usage. */
    public static Map<String, Object> usageChunk(String id, long created, PathProfile profile, Completion c) {
        Map<String, Object> m = head(id, "chat.completion.chunk", created, profile);
        m.put("choices", List.of());
        m.put("usage", usage(c));
        m.put("rr", rr(profile, c));
        return m;
    }

    private static Map<String, Object> chunk(String id, long created, PathProfile profile, Map<String, Object> delta,
                                             String finishReason, Completion c) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("logprobs", null);
        choice.put("finish_reason", finishReason);
        Map<String, Object> m = head(id, "chat.completion.chunk", created, profile);
        m.put("choices", List.of(choice));
        m.put("rr", rr(profile, c));
        return m;
    }

    public static Map<String, Object> usage(Completion c) {
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("prompt_tokens", c.promptTokens());
        u.put("completion_tokens", c.completionTokens());
        u.put("total_tokens", c.promptTokens() + c.completionTokens());
        u.put("completion_tokens_details", Map.of("reasoning_tokens", c.reasoningTokens()));
        return u;
    }

    /** The {@code rr} extension object: what ran and, once done ({@code c} not null), what happened. */
    public static Map<String, Object> rr(PathProfile profile, Completion c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", profile.path());
        m.put("model", profile.modelName());
        m.put("experts_per_token", profile.budget().experts());
        m.put("trained_top_k", profile.trainedTopK());
        m.put("active_params_per_token", profile.activeParamsPerToken());
        m.put("total_params", profile.totalParams());
        m.put("parameter_utilization", profile.parameterUtilization());
        if (c != null) {
            if (c.confidence() != null) {
                m.put("confidence", c.confidence());
            }
            if (c.escalation() != null) {
                m.put("escalate", escalate(c.escalation()));
            }
            if (c.verification() != null) {
                m.put("verification", verification(c.verification()));
            }
        }
        if (profile.warning() != null) {
            m.put("warning", profile.warning());
        }
        return m;
    }

    private static Map<String, Object> escalate(EscalationAdvice a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("suggested", a.suggested());
        m.put("reason", a.reason());
        m.put("confidence", a.confidence());
        m.put("floor", a.floor());
        return m;
    }

    private static Map<String, Object> verification(VerificationReport v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rounds", v.rounds());
        m.put("accepted", v.accepted());
        m.put("chosen_round", v.chosenRound());
        m.put("scores", v.scores());
        m.put("threshold", v.threshold());
        m.put("samples", v.samples());
        m.put("verifier", v.verifier());
        m.put("stop_reason", v.stopReason());
        return m;
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
