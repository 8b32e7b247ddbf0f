package dev.reasoningrouter.gateway.api;

import dev.reasoningrouter.contracts.OpenAiException;
import dev.reasoningrouter.gateway.errors.RequestContentType;
import dev.reasoningrouter.gateway.upstream.UpstreamClient;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ChatRequest}: reads a chat completion request (the body-size limit is enforced as it is read), checks what
 * the gateway itself relies on (a JSON object, {@code messages}, {@code model}, {@code stream}, the {@code rr}
 * extension) and hands it on as a {@link ChatCall}. Everything else is left to the upstream, whose 4xx reach the
 * client unchanged.
 */
public class ChatRequestGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {
    /** What a request without {@code max_tokens} may generate at most, for the token limit (the paths' default). */
    static final long DEFAULT_COMPLETION_TOKENS = 256;

    private final ModelCatalog models;
    private final JsonMapper json;

    public ChatRequestGatewayFilterFactory(ModelCatalog models, JsonMapper json) {
        super(Object.class);
        this.models = models;
        this.json = json;
    }

    @Override
    public GatewayFilter apply(Object config) {
        return (exchange, chain) -> Mono.defer(() -> {
            ServerHttpRequest request = exchange.getRequest();
            if (request.getMethod() != HttpMethod.POST) {
                throw new OpenAiException(405, "Method " + request.getMethod() + " is not allowed on "
                        + request.getPath() + "; use POST", "invalid_request_error", null, "method_not_allowed");
            }
            RequestContentType.requireJson(request.getHeaders(), "POST /v1/chat/completions");
            return DataBufferUtils.join(request.getBody())
                    .map(UpstreamClient::bytes)
                    .defaultIfEmpty(new byte[0])
                    .flatMap(bytes -> {
                        exchange.getAttributes().put(ChatCall.ATTRIBUTE, parse(bytes));
                        return chain.filter(exchange);
                    });
        });
    }

    ChatCall parse(byte[] bytes) {
        if (bytes.length == 0) {
            throw OpenAiException.invalid(null, "the request body is empty; send a JSON chat completion request", "invalid_request");
        }
        JsonNode root;
        try {
            root = json.readTree(utf8(bytes));
        } catch (JacksonException e) {
            throw OpenAiException.invalid(null, "the request body is not valid JSON: " + e.getOriginalMessage(), "invalid_json");
        }
        if (!(root instanceof ObjectNode body)) {
            throw OpenAiException.invalid(null, "the request body must be a JSON object", "invalid_request");
        }
        JsonNode model = body.get("model");
        if (model != null && !model.isNull() && !model.isString()) {
            throw OpenAiException.invalid("model", "'model' must be a string", "invalid_type");
        }
        String requested = model == null || model.isNull() ? ModelCatalog.AUTO : model.asString();
        ModelCatalog.Target target = models.resolve(requested);
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw OpenAiException.invalid("messages", "missing required parameter 'messages'", "missing_required_parameter");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw OpenAiException.invalid("messages", "'messages' must be a non-empty list of chat messages", "invalid_type");
        }
        long promptChars = 0;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if (!m.isObject() || !m.path("role").isString()) {
                throw OpenAiException.invalid("messages[" + i + "]", "'messages[" + i + "]' must be an object with a string 'role'", "invalid_type");
            }
            promptChars += text(m.get("content")).length();
        }
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw OpenAiException.invalid("stream", "'stream' must be a boolean", "invalid_type");
        }
        Double threshold = null;
        boolean escalate = true;
        JsonNode rr = body.get("rr");
        if (rr != null && !rr.isNull()) {
            if (!rr.isObject()) {
                throw OpenAiException.invalid("rr", "'rr' must be an object (the Reasoning Router extension)", "invalid_type");
            }
            JsonNode t = rr.get("threshold");
            if (t != null && !t.isNull()) {
                if (!t.isNumber() || !(t.asDouble() >= 0 && t.asDouble() <= 1)) {
                    throw OpenAiException.invalid("rr.threshold", "'rr.threshold' must be a number in [0, 1], got " + t, "invalid_value");
                }
                threshold = t.asDouble();
            }
            JsonNode e = rr.get("escalate");
            if (e != null && !e.isNull()) {
                if (!e.isBoolean()) {
                    throw OpenAiException.invalid("rr.escalate", "'rr.escalate' must be a boolean", "invalid_type");
                }
                escalate = e.asBoolean();
            }
        }
        long completion = DEFAULT_COMPLETION_TOKENS;
        for (String key : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode n = body.get(key);
            if (n != null && n.canConvertToLong() && n.asLong() > 0) {
                completion = n.asLong();
            }
        }
        // about four characters a token: an estimate, settled against the upstream's usage afterwards
        return new ChatCall(body, requested, target, stream != null && stream.asBoolean(false), threshold, escalate,
                lastUserText(messages), promptChars / 4 + 1, completion);
    }

    /** The text of the last user message (what the classifier scores); empty when there is none. */
    static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if ("user".equals(m.path("role").asString(""))) {
                return text(m.get("content"));
            }
        }
        return "";
    }

    /** A message's text: a string, or the text parts of a content list joined by newlines. */
    static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.asString();
        }
        StringBuilder b = new StringBuilder();
        if (content.isArray()) {
            for (JsonNode part : content) {
                if (part.path("text").isString()) {
                    b.append(b.isEmpty() ? "" : "\n").append(part.get("text").asString());
                }
            }
        }
        return b.toString();
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw OpenAiException.invalid(null, "the request body is not valid UTF-8", "invalid_encoding");
        }
    }
}
