package dev.reasoningrouter.classifier.web;

import dev.reasoningrouter.classifier.ClassifierMetrics;
import dev.reasoningrouter.classifier.ClassifierProperties;
import dev.reasoningrouter.classifier.model.Classification;
import dev.reasoningrouter.classifier.model.ComplexityClassifier;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/classify}: {@code {"text": "..."}}, {@code {"text": ["...", ...]}} or an OpenAI chat
 * conversation {@code {"messages": [...]}} (its last user message is scored), optional
 * {@code "threshold"} in [0,1]. One text gives one classification object; a list gives
 * {@code {"object":"list","data":[...]}} in input order.
 *
 * <p>The body is read and checked here rather than bound by Spring, so that each failure (too large,
 * not UTF-8, not JSON, wrong types) gets its own status and a message naming the field.
 */
@RestController
public class ClassifyController {
    private final ComplexityClassifier classifier;
    private final ClassifierMetrics metrics;
    private final ClassifierProperties props;
    private final JsonMapper mapper = JsonMapper.builder().build();

    public ClassifyController(ComplexityClassifier classifier, ClassifierMetrics metrics, ClassifierProperties props) {
        this.classifier = classifier;
        this.metrics = metrics;
        this.props = props;
    }

    @PostMapping(path = "/v1/classify", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> classify(HttpServletRequest request) throws IOException {
        checkContentType(request.getContentType());
        String body = decodeUtf8(readBounded(request));
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.invalid("request body is not valid JSON: " + e.getOriginalMessage(), null, "invalid_json");
        }
        if (root == null || !root.isObject()) {
            throw ApiException.invalid("request body must be a JSON object", null, "invalid_request");
        }
        Double threshold = threshold(root.get("threshold"));
        JsonNode text = root.get("text");
        JsonNode messages = root.get("messages");
        if ((text == null || text.isNull()) && messages != null && !messages.isNull()) {
            return toJson(classifyOne(lastUserMessage(messages), threshold, "messages"), null);
        }
        if (text == null || text.isNull()) {
            throw ApiException.invalid("missing required parameter 'text' (a string or a list of strings)"
                    + " or 'messages' (a chat conversation)", "text", "missing_required_parameter");
        }
        if (text.isString()) {
            return toJson(classifyOne(text.asString(), threshold, "text"), null);
        }
        if (!text.isArray()) {
            throw ApiException.invalid("'text' must be a string or a list of strings, got " + kind(text), "text", "invalid_type");
        }
        if (text.isEmpty()) {
            throw ApiException.invalid("'text' must not be an empty list", "text", "empty_text");
        }
        if (text.size() > props.maxBatchItems()) {
            throw ApiException.invalid("'text' has " + text.size() + " items, at most " + props.maxBatchItems()
                    + " are allowed per request", "text", "too_many_items");
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            JsonNode item = text.get(i);
            if (!item.isString()) {
                throw ApiException.invalid("'text[" + i + "]' must be a string, got " + kind(item), "text[" + i + "]", "invalid_type");
            }
            texts.add(item.asString());
        }
        List<Map<String, Object>> data = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            data.add(toJson(classifyOne(texts.get(i), threshold, "text[" + i + "]"), i));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", "list");
        out.put("model_version", classifier.model().version());
        out.put("data", data);
        return out;
    }

    /**
     * The content of the last {@code user} message of an OpenAI-style conversation, which is what the
     * classifier scores (as the Kafka stage does); content may be a string or a list of text parts.
     */
    private static String lastUserMessage(JsonNode messages) {
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiException.invalid("'messages' must be a non-empty list of chat messages", "messages", "invalid_type");
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            String param = "messages[" + i + "]";
            if (!m.isObject() || !m.path("role").isString()) {
                throw ApiException.invalid("'" + param + "' must be an object with a string 'role'", param, "invalid_type");
            }
            if (!"user".equals(m.get("role").asString())) {
                continue;
            }
            JsonNode content = m.get("content");
            if (content != null && content.isString()) {
                return content.asString();
            }
            if (content != null && content.isArray()) {
                StringBuilder b = new StringBuilder();
                for (JsonNode part : content) {
                    if ("text".equals(part.path("type").asString(null)) && part.path("text").isString()) {
                        b.append(b.isEmpty() ? "" : "\n").append(part.get("text").asString());
                    }
                }
                return b.toString();
            }
            throw ApiException.invalid("'" + param + ".content' must be a string or a list of content parts", param + ".content",
                    "invalid_type");
        }
        throw ApiException.invalid("'messages' has no message with role 'user' to classify", "messages", "empty_text");
    }

    private Classification classifyOne(String text, Double threshold, String param) {
        if (text.isBlank()) {
            throw ApiException.invalid("'" + param + "' must not be empty or blank", param, "empty_text");
        }
        Classification c = classifier.classify(text, threshold);
        metrics.record(c, "rest");
        return c;
    }

    private static Double threshold(JsonNode t) {
        if (t == null || t.isNull()) {
            return null;
        }
        if (!t.isNumber()) {
            throw ApiException.invalid("'threshold' must be a number in [0, 1], got " + kind(t), "threshold", "invalid_type");
        }
        double v = t.asDouble();
        if (!(v >= 0 && v <= 1)) {
            throw ApiException.invalid("'threshold' must be in [0, 1], got " + v, "threshold", "invalid_value");
        }
        return v;
    }

    private static Map<String, Object> toJson(Classification c, Integer index) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("object", "classification");
        if (index != null) {
            j.put("index", index);
        }
        j.put("route", c.route());
        j.put("score", c.score());
        j.put("threshold", c.threshold());
        j.put("task_type", c.taskType());
        j.put("task_probability", c.taskProbability());
        j.put("model_version", c.modelVersion());
        j.put("latency_ms", c.latencyMs());
        j.put("tokens", c.tokens());
        j.put("windows", c.windows());
        j.put("truncated", c.truncated());
        return j;
    }

    private static void checkContentType(String contentType) {
        if (contentType == null) {
            return; // tolerated: the body must still be JSON
        }
        MediaType type;
        try {
            type = MediaType.parseMediaType(contentType);
        } catch (RuntimeException e) {
            throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unreadable Content-Type '" + contentType + "'", null,
                    "unsupported_media_type");
        }
        if (!type.isCompatibleWith(MediaType.APPLICATION_JSON)) {
            throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json, got "
                    + contentType, null, "unsupported_media_type");
        }
        if (type.getCharset() != null && !type.getCharset().equals(StandardCharsets.UTF_8)) {
            throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "the body must be UTF-8, Content-Type says "
                    + type.getCharset(), null, "unsupported_media_type");
        }
    }

    private byte[] readBounded(HttpServletRequest request) throws IOException {
        int limit = props.maxBodyBytes();
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(declared, limit);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw tooLarge(-1, limit);
            }
            if (bytes.length == 0) {
                throw ApiException.invalid("request body is empty; expected a JSON object with 'text'", null, "invalid_request");
            }
            return bytes;
        }
    }

    private static ApiException tooLarge(long size, int limit) {
        return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "request body " + (size >= 0 ? "of " + size + " bytes " : "")
                + "is over the limit of " + limit + " bytes", null, "request_too_large");
    }

    private static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiException.invalid("request body is not valid UTF-8", null, "invalid_encoding");
        }
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case STRING -> "a string";
            case NULL -> "null";
            default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
