package dev.reasoningrouter.engine.serving;

import dev.reasoningrouter.engine.generate.SamplingParams;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A checked OpenAI {@code POST /v1/chat/completions} request.
 *
 * @param model       the name the client asked for (echoed back; this service serves its one model)
 * @param seed        the sampling seed (a random one when the client gave none)
 */
public record ChatCompletionRequest(String model, List<ChatTurn> messages, int maxTokens, double temperature, double topP,
                                    long seed, List<String> stop, boolean stream) {

    static final Set<String> ROLES = Set.of("system", "user", "assistant");
    public static final int MAX_STOP_SEQUENCES = 4;

    /** Sampling parameters for the engine (temperature 0 is greedy). */
    public SamplingParams sampling() {
        return SamplingParams.sampled(temperature, topP, seed, maxTokens).withStops(List.of(), stop);
    }

    /**
     * Checks a parsed JSON body (objects as maps, arrays as lists, as Jackson reads them) the way OpenAI does.
     *
     * @param maxTokensLimit   the largest max_tokens this service accepts
     * @param defaultMaxTokens used when the request gives none
     * @throws OpenAiError naming the parameter that is wrong
     */
    public static ChatCompletionRequest parse(Object body, int maxTokensLimit, int defaultMaxTokens) {
        if (!(body instanceof Map<?, ?> json)) {
            throw OpenAiError.invalid(null, "the request body must be a JSON object");
        }
        String model = optionalString(json, "model");
        List<ChatTurn> messages = messages(json.get("messages"));

        Object mt = json.containsKey("max_completion_tokens") ? json.get("max_completion_tokens") : json.get("max_tokens");
        String mtName = json.containsKey("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        int maxTokens = defaultMaxTokens;
        if (mt != null) {
            long v = integer(mtName, mt);
            if (v < 1 || v > maxTokensLimit) {
                throw OpenAiError.invalid(mtName, mtName + " must be between 1 and " + maxTokensLimit + " on this service, got " + v);
            }
            maxTokens = (int) v;
        }
        double temperature = number(json, "temperature", 1.0);
        if (!(temperature >= 0 && temperature <= 2)) {
            throw OpenAiError.invalid("temperature", "temperature must be between 0 and 2, got " + temperature);
        }
        double topP = number(json, "top_p", 1.0);
        if (!(topP > 0 && topP <= 1)) {
            throw OpenAiError.invalid("top_p", "top_p must be greater than 0 and at most 1, got " + topP);
        }
        Object seedValue = json.get("seed");
        long seed = seedValue == null ? ThreadLocalRandom.current().nextLong() : integer("seed", seedValue);
        List<String> stop = stop(json.get("stop"));
        Object streamValue = json.get("stream");
        if (streamValue != null && !(streamValue instanceof Boolean)) {
            throw OpenAiError.invalid("stream", "stream must be a boolean, got " + describe(streamValue));
        }
        Object n = json.get("n");
        if (n != null && integer("n", n) != 1) {
            throw OpenAiError.invalid("n", "only n = 1 is supported, got " + n);
        }
        return new ChatCompletionRequest(model, messages, maxTokens, temperature, topP, seed, stop,
                Boolean.TRUE.equals(streamValue));
    }

    private static List<ChatTurn> messages(Object value) {
        if (value == null) {
            throw OpenAiError.invalid("messages", "messages is required: a non-empty array of {role, content}");
        }
        if (!(value instanceof List<?> list)) {
            throw OpenAiError.invalid("messages", "messages must be an array, got " + describe(value));
        }
        if (list.isEmpty()) {
            throw OpenAiError.invalid("messages", "messages must not be empty");
        }
        List<ChatTurn> turns = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String p = "messages[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw OpenAiError.invalid(p, p + " must be an object with role and content, got " + describe(list.get(i)));
            }
            Object role = m.get("role");
            if (!(role instanceof String r)) {
                throw OpenAiError.invalid(p + ".role", p + ".role must be a string, one of " + sorted(ROLES)
                        + ", got " + describe(role));
            }
            if (!ROLES.contains(r)) {
                throw OpenAiError.invalid(p + ".role", p + ".role '" + r + "' is not supported; use one of " + sorted(ROLES));
            }
            turns.add(new ChatTurn(r, content(p + ".content", m.get("content"))));
        }
        return List.copyOf(turns);
    }

    /** A string, or an array of {type:"text", text} parts (joined). */
    private static String content(String p, Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof List<?> parts) {
            StringBuilder sb = new StringBuilder();
            for (Object part : parts) {
                if (part instanceof Map<?, ?> m && "text".equals(m.get("type")) && m.get("text") instanceof String t) {
                    sb.append(t);
                } else {
                    throw OpenAiError.invalid(p, p + " parts must be {\"type\":\"text\",\"text\":...}; only text is supported");
                }
            }
            return sb.toString();
        }
        throw OpenAiError.invalid(p, p + " must be a string or an array of text parts, got " + describe(value));
    }

    private static List<String> stop(Object value) {
        if (value == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (value instanceof String s) {
            out.add(s);
        } else if (value instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw OpenAiError.invalid("stop", "stop must be a string or an array of strings, got an element " + describe(o));
                }
                out.add(s);
            }
        } else {
            throw OpenAiError.invalid("stop", "stop must be a string or an array of strings, got " + describe(value));
        }
        if (out.size() > MAX_STOP_SEQUENCES) {
            throw OpenAiError.invalid("stop", "stop takes at most " + MAX_STOP_SEQUENCES + " sequences, got " + out.size());
        }
        for (String s : out) {
            if (s.isEmpty()) {
                throw OpenAiError.invalid("stop", "stop sequences must not be empty");
            }
        }
        return List.copyOf(out);
    }

    private static String optionalString(Map<?, ?> json, String key) {
        Object v = json.get(key);
        if (v != null && !(v instanceof String)) {
            throw OpenAiError.invalid(key, key + " must be a string, got " + describe(v));
        }
        return (String) v;
    }

    private static double number(Map<?, ?> json, String key, double dflt) {
        Object v = json.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Number n)) {
            throw OpenAiError.invalid(key, key + " must be a number, got " + describe(v));
        }
        return n.doubleValue();
    }

    private static long integer(String key, Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b) {
            if (b.bitLength() < 64) {
                return b.longValue();
            }
            throw OpenAiError.invalid(key, key + " is too large: " + b);
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < 1e15) {
            return (long) n.doubleValue();
        }
        throw OpenAiError.invalid(key, key + " must be an integer, got " + describe(v));
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        String type = v instanceof String ? "string" : v instanceof Boolean ? "boolean" : v instanceof Number ? "number"
                : v instanceof List ? "array" : v instanceof Map ? "object" : v.getClass().getSimpleName();
        String text = v instanceof String s ? "'" + s + "'" : String.valueOf(v);
        return type + " " + (text.length() > 60 ? text.substring(0, 60) + "..." : text);
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
