package dev.reasoningrouter.gateway.batch;

import dev.reasoningrouter.contracts.ChatMessage;
import dev.reasoningrouter.contracts.InferenceRequest;
import dev.reasoningrouter.contracts.RecordLimit;
import dev.reasoningrouter.contracts.RouteDecision;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a batch input file (OpenAI's JSONL: one {@code {custom_id, method, url, body}} a line) and checks every line
 * before anything is sent: a line that is not a chat completion request the platform can run goes to the error file
 * with its line number and a reason; the others become {@link InferenceRequest}s for {@code rr.requests}. Blank lines
 * are skipped.
 */
public final class BatchLines {
    public static final String ENDPOINT = "/v1/chat/completions";
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "developer");
    private static final Set<String> MODELS = Set.of("auto", RouteDecision.FAST, RouteDecision.REASONING);

    /** A line that will run. */
    public record Accepted(int line, String customId, InferenceRequest request) {}

    /** The whole file's verdict. */
    public record Validation(List<Accepted> accepted, List<LineError> errors) {
        public int total() {
            return accepted.size() + errors.size();
        }
    }

    private final JsonMapper json;

    public BatchLines(JsonMapper json) {
        this.json = json;
    }

    public Validation validate(String text, String batchId, long now) {
        List<Accepted> accepted = new ArrayList<>();
        List<LineError> errors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            int number = i + 1;
            try {
                Accepted a = line(line, number, batchId, now, seen);
                accepted.add(a);
            } catch (BadLine e) {
                errors.add(new LineError(number, e.customId, e.code, "line " + number + ": " + e.getMessage()));
            }
        }
        return new Validation(accepted, errors);
    }

    private Accepted line(String line, int number, String batchId, long now, Set<String> seen) {
        JsonNode root;
        try {
            root = json.readTree(line);
        } catch (JacksonException e) {
            throw new BadLine(null, "invalid_json", "not valid JSON: " + e.getOriginalMessage());
        }
        if (!root.isObject()) {
            throw new BadLine(null, "invalid_request", "must be a JSON object with custom_id, method, url and body");
        }
        JsonNode id = root.get("custom_id");
        if (id == null || !id.isString() || id.asString().isBlank()) {
            throw new BadLine(null, "missing_custom_id", "'custom_id' must be a non-empty string");
        }
        String customId = id.asString();
        if (customId.length() > 256) {
            throw new BadLine(null, "invalid_custom_id", "'custom_id' is longer than 256 characters");
        }
        if (!seen.add(customId)) {
            throw new BadLine(customId, "duplicate_custom_id", "'custom_id' " + quote(customId)
                    + " is used by an earlier line; each line needs its own");
        }
        if (!"POST".equals(root.path("method").asString(null))) {
            throw new BadLine(customId, "invalid_method", "'method' must be \"POST\"");
        }
        if (!ENDPOINT.equals(root.path("url").asString(null))) {
            throw new BadLine(customId, "invalid_url", "'url' must be \"" + ENDPOINT + "\" (the only endpoint batches run)");
        }
        JsonNode body = root.get("body");
        if (body == null || !body.isObject()) {
            throw new BadLine(customId, "invalid_body", "'body' must be a chat completion request object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        String model = body.path("model").isMissingNode() || body.get("model").isNull() ? "auto" : body.get("model").asString(null);
        if (model == null || !MODELS.contains(model)) {
            throw new BadLine(customId, "model_not_found", "'body.model' must be auto, fast or reasoning in a batch, got "
                    + body.get("model"));
        }
        if (!model.equals("auto")) {
            metadata.put(InferenceRequest.METADATA_ROUTE, model);
        }
        if (body.path("stream").asBoolean(false)) {
            throw new BadLine(customId, "invalid_value", "'body.stream' cannot be true in a batch");
        }
        JsonNode threshold = body.path("rr").path("threshold");
        if (!threshold.isMissingNode() && !threshold.isNull()) {
            if (!threshold.isNumber() || !(threshold.asDouble() >= 0 && threshold.asDouble() <= 1)) {
                throw new BadLine(customId, "invalid_value", "'body.rr.threshold' must be a number in [0, 1]");
            }
            metadata.put(InferenceRequest.METADATA_THRESHOLD, Double.toString(threshold.asDouble()));
        }
        // the path services' own options travel as metadata strings over Kafka
        JsonNode rr = body.path("rr");
        positiveOption(customId, rr, "samples", "rr_samples", metadata);
        positiveOption(customId, rr, "max_rounds", "rr_max_rounds", metadata);
        JsonNode verify = rr.path("verify");
        if (!verify.isMissingNode() && !verify.isNull()) {
            if (!verify.isBoolean()) {
                throw new BadLine(customId, "invalid_type", "'body.rr.verify' must be a boolean");
            }
            metadata.put("rr_verify", Boolean.toString(verify.asBoolean()));
        }
        List<ChatMessage> messages = messages(customId, body.get("messages"));
        Integer maxTokens = positiveInt(customId, body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = positiveInt(customId, body, "max_tokens");
        }
        Double temperature = number(customId, body, "temperature", 0, 2);
        Double topP = number(customId, body, "top_p", 0, 1);
        Long seed = null;
        JsonNode s = body.get("seed");
        if (s != null && !s.isNull()) {
            if (!s.canConvertToLong() || !s.isIntegralNumber()) {
                throw new BadLine(customId, "invalid_type", "'body.seed' must be an integer");
            }
            seed = s.asLong();
        }
        String requestId = "batch_req_" + batchId.substring(batchId.indexOf('_') + 1) + "_" + number;
        InferenceRequest request = new InferenceRequest(requestId, batchId, customId, model, messages, maxTokens, temperature, topP,
                seed, metadata, now);
        int bytes = RecordLimit.bytes(json.writeValueAsString(request));
        if (bytes > RecordLimit.MAX_BYTES) {
            throw new BadLine(customId, "request_too_large", "the request is " + bytes + " bytes, over the "
                    + RecordLimit.MAX_BYTES + "-byte limit of one request");
        }
        return new Accepted(number, customId, request);
    }

    private static List<ChatMessage> messages(String customId, JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new BadLine(customId, "invalid_messages", "'body.messages' must be a non-empty list of chat messages");
        }
        List<ChatMessage> out = new ArrayList<>();
        boolean user = false;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asString(null);
            if (role == null || !ROLES.contains(role)) {
                throw new BadLine(customId, "invalid_messages", "'body.messages[" + i + "].role' must be one of " + ROLES);
            }
            JsonNode content = m.get("content");
            String text;
            if (content != null && content.isString()) {
                text = content.asString();
            } else if (content != null && content.isArray()) {
                StringBuilder b = new StringBuilder();
                for (JsonNode part : content) {
                    if (!"text".equals(part.path("type").asString(null)) || !part.path("text").isString()) {
                        throw new BadLine(customId, "invalid_messages", "'body.messages[" + i
                                + "].content' may only hold text parts in a batch");
                    }
                    b.append(b.isEmpty() ? "" : "\n").append(part.get("text").asString());
                }
                text = b.toString();
            } else {
                throw new BadLine(customId, "invalid_messages", "'body.messages[" + i + "].content' must be a string or a list of text parts");
            }
            user |= role.equals("user") && !text.isBlank();
            out.add(new ChatMessage(role, text));
        }
        if (!user) {
            throw new BadLine(customId, "invalid_messages", "'body.messages' has no user message with text");
        }
        return out;
    }

    private static void positiveOption(String customId, JsonNode rr, String key, String metadataKey, Map<String, String> metadata) {
        JsonNode n = rr.path(key);
        if (n.isMissingNode() || n.isNull()) {
            return;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1) {
            throw new BadLine(customId, "invalid_value", "'body.rr." + key + "' must be a positive integer");
        }
        metadata.put(metadataKey, Integer.toString(n.asInt()));
    }

    private static Integer positiveInt(String customId, JsonNode body, String key) {
        JsonNode n = body.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1) {
            throw new BadLine(customId, "invalid_value", "'body." + key + "' must be a positive integer");
        }
        return n.asInt();
    }

    private static Double number(String customId, JsonNode body, String key, double min, double max) {
        JsonNode n = body.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max) {
            throw new BadLine(customId, "invalid_value", "'body." + key + "' must be a number in [" + min + ", " + max + "]");
        }
        return n.asDouble();
    }

    private static String quote(String s) {
        return "'" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "'";
    }

    /** One line's refusal. */
    private static final class BadLine extends RuntimeException {
        final String customId;
        final String code;

        BadLine(String customId, String code, String message) {
            super(message, null, false, false);
            this.customId = customId;
            this.code = code;
        }
    }
}
