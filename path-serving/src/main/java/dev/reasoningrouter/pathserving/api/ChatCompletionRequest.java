package dev.reasoningrouter.pathserving.api;

import dev.reasoningrouter.contracts.OpenAiException;
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
 * @param model        the name the client asked for (null when absent); the controller checks it names this path
 * @param seed         the sampling seed (a random one when the client gave none)
 * @param includeUsage {@code stream_options.include_usage}: end a stream with a usage chunk
 * @param samples      {@code rr.samples}: self-consistency samples (1 = off); the reasoning path uses it
 * @param maxRounds    {@code rr.max_rounds}: verification rounds, or 0 for the path's default
 * @param verify       {@code rr.verify}: false asks the reasoning path for one draft without the critic
 */
public record ChatCompletionRequest(String model, List<ChatTurn> messages, int maxTokens, double temperature, double topP,
                                    long seed, List<String> stop, boolean stream, boolean includeUsage, int samples,
                                    int maxRounds, boolean verify) {

    /**
     * What this path accepts and assumes.
     *
     * @param maxTokensLimit     the largest max_tokens accepted
     * @param defaultMaxTokens   used when the request gives none
     * @param defaultTemperature used when the request gives none (the fast path decodes greedily by default)
     * @param maxSamples         the most self-consistency samples a request may ask for
     * @param maxRounds          the most verification rounds a request may ask for
     */
    public record Limits(int maxTokensLimit, int defaultMaxTokens, double defaultTemperature, int maxSamples, int maxRounds) {
        public Limits {
            if (maxTokensLimit < 1 || defaultMaxTokens < 1 || defaultMaxTokens > maxTokensLimit) {
                throw new IllegalArgumentException("need 1 <= default max tokens (" + defaultMaxTokens
                        + ") <= max tokens limit (" + maxTokensLimit + ")");
            }
            if (!(defaultTemperature >= 0 && defaultTemperature <= 2)) {
                throw new IllegalArgumentException("the default temperature must be in [0, 2], got " + defaultTemperature);
            }
            if (maxSamples < 1 || maxRounds < 1) {
                throw new IllegalArgumentException("max samples and max rounds must be at least 1");
            }
        }

        /** As OpenAI: temperature 1 by default, no samples or rounds beyond one. */
        public static Limits of(int maxTokensLimit, int defaultMaxTokens) {
            return new Limits(maxTokensLimit, defaultMaxTokens, 1.0, 1, 1);
        }
    }

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
     * @throws OpenAiException naming the parameter that is wrong
     */
    public static ChatCompletionRequest parse(Object body, Limits limits) {
        int maxTokensLimit = limits.maxTokensLimit();
        int defaultMaxTokens = limits.defaultMaxTokens();
        if (!(body instanceof Map<?, ?> json)) {
            throw OpenAiException.invalid(null, "the request body must be a JSON object");
        }
        String model = optionalString(json, "model");
        List<ChatTurn> messages = messages(json.get("messages"));

        Object mt = json.containsKey("max_completion_tokens") ? json.get("max_completion_tokens") : json.get("max_tokens");
        String mtName = json.containsKey("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        int maxTokens = defaultMaxTokens;
        if (mt != null) {
            long v = integer(mtName, mt);
            if (v < 1 || v > maxTokensLimit) {
                throw OpenAiException.invalid(mtName, mtName + " must be between 1 and " + maxTokensLimit + " on this service, got " + v);
            }
            maxTokens = (int) v;
        }
        double temperature = number(json, "temperature", limits.defaultTemperature());
        if (!(temperature >= 0 && temperature <= 2)) {
            throw OpenAiException.invalid("temperature", "temperature must be between 0 and 2, got " + temperature);
        }
        double topP = number(json, "top_p", 1.0);
        if (!(topP > 0 && topP <= 1)) {
            throw OpenAiException.invalid("top_p", "top_p must be greater than 0 and at most 1, got " + topP);
        }
        Object seedValue = json.get("seed");
        long seed = seedValue == null ? ThreadLocalRandom.current().nextLong() : integer("seed", seedValue);
        List<String> stop = stop(json.get("stop"));
        Object streamValue = json.get("stream");
        if (streamValue != null && !(streamValue instanceof Boolean)) {
            throw OpenAiException.invalid("stream", "stream must be a boolean, got " + describe(streamValue));
        }
        Object n = json.get("n");
        if (n != null && integer("n", n) != 1) {
            throw OpenAiException.invalid("n", "only n = 1 is supported, got " + n);
        }
        boolean includeUsage = false;
        Object streamOptions = json.get("stream_options");
        if (streamOptions != null) {
            if (!(streamOptions instanceof Map<?, ?> so)) {
                throw OpenAiException.invalid("stream_options", "stream_options must be an object, got " + describe(streamOptions));
            }
            if (!Boolean.TRUE.equals(streamValue)) {
                throw OpenAiException.invalid("stream_options", "stream_options is only allowed when stream is true");
            }
            Object iu = so.get("include_usage");
            if (iu != null && !(iu instanceof Boolean)) {
                throw OpenAiException.invalid("stream_options.include_usage", "stream_options.include_usage must be a boolean, got "
                        + describe(iu));
            }
            includeUsage = Boolean.TRUE.equals(iu);
        }
        int samples = 1;
        int maxRounds = 0;
        boolean verify = true;
        Object ext = json.get("rr");
        if (ext != null) {
            if (!(ext instanceof Map<?, ?> rr)) {
                throw OpenAiException.invalid("rr", "rr must be an object, got " + describe(ext));
            }
            samples = (int) bounded(rr, "samples", 1, limits.maxSamples(), 1);
            maxRounds = (int) bounded(rr, "max_rounds", 1, limits.maxRounds(), 0);
            Object v = rr.get("verify");
            if (v != null && !(v instanceof Boolean)) {
                throw OpenAiException.invalid("rr.verify", "rr.verify must be a boolean, got " + describe(v));
            }
            verify = !Boolean.FALSE.equals(v);
        }
        return new ChatCompletionRequest(model, messages, maxTokens, temperature, topP, seed, stop,
                Boolean.TRUE.equals(streamValue), includeUsage, samples, maxRounds, verify);
    }

    /** An optional integer {@code rr.<key>} in [min, max] ({@code dflt} when absent). */
    private static long bounded(Map<?, ?> rr, String key, int min, int max, int dflt) {
        Object v = rr.get(key);
        if (v == null) {
            return dflt;
        }
        long x = integer("rr." + key, v);
        if (x < min || x > max) {
            throw OpenAiException.invalid("rr." + key, "rr." + key + " must be between " + min + " and " + max
                    + " on this service, got " + x);
        }
        return x;
    }

    private static List<ChatTurn> messages(Object value) {
        if (value == null) {
            throw OpenAiException.invalid("messages", "messages is required: a non-empty array of {role, content}");
        }
        if (!(value instanceof List<?> list)) {
            throw OpenAiException.invalid("messages", "messages must be an array, got " + describe(value));
        }
        if (list.isEmpty()) {
            throw OpenAiException.invalid("messages", "messages must not be empty");
        }
        List<ChatTurn> turns = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String p = "messages[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw OpenAiException.invalid(p, p + " must be an object with role and content, got " + describe(list.get(i)));
            }
            Object role = m.get("role");
            if (!(role instanceof String r)) {
                throw OpenAiException.invalid(p + ".role", p + ".role must be a string, one of " + sorted(ROLES)
                        + ", got " + describe(role));
            }
            if (!ROLES.contains(r)) {
                throw OpenAiException.invalid(p + ".role", p + ".role '" + r + "' is not supported; use one of " + sorted(ROLES));
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
                    throw OpenAiException.invalid(p, p + " parts must be {\"type\":\"text\",\"text\":...}; only text is supported");
                }
            }
            return sb.toString();
        }
        throw OpenAiException.invalid(p, p + " must be a string or an array of text parts, got " + describe(value));
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
                    throw OpenAiException.invalid("stop", "stop must be a string or an array of strings, got an element " + describe(o));
                }
                out.add(s);
            }
        } else {
            throw OpenAiException.invalid("stop", "stop must be a string or an array of strings, got " + describe(value));
        }
        if (out.size() > MAX_STOP_SEQUENCES) {
            throw OpenAiException.invalid("stop", "stop takes at most " + MAX_STOP_SEQUENCES + " sequences, got " + out.size());
        }
        for (String s : out) {
            if (s.isEmpty()) {
                throw OpenAiException.invalid("stop", "stop sequences must not be empty");
            }
        }
        return List.copyOf(out);
    }

    private static String optionalString(Map<?, ?> json, String key) {
        Object v = json.get(key);
        if (v != null && !(v instanceof String)) {
            throw OpenAiException.invalid(key, key + " must be a string, got " + describe(v));
        }
        return (String) v;
    }

    private static double number(Map<?, ?> json, String key, double dflt) {
        Object v = json.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Number n)) {
            throw OpenAiException.invalid(key, key + " must be a number, got " + describe(v));
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
            throw OpenAiException.invalid(key, key + " is too large: " + b);
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < 1e15) {
            return (long) n.doubleValue();
        }
        throw OpenAiException.invalid(key, key + " must be an integer, got " + describe(v));
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
