package dev.reasoningrouter.pathserving.api;

import dev.reasoningrouter.contracts.OpenAiException;
import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.pathserving.core.Admission;
import dev.reasoningrouter.pathserving.core.Completion;
import dev.reasoningrouter.pathserving.core.CompletionJob;
import dev.reasoningrouter.pathserving.core.CompletionService;
import dev.reasoningrouter.pathserving.core.PathProfile;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * OpenAI's {@code POST /v1/chat/completions}, plain or streamed as Server-Sent Events, over the path's
 * {@link CompletionService}. Admission happens before any byte is sent, so a full queue is a clean 429.
 */
@RestController
public class ChatCompletionsController {
    /** Response header set on every reply made with a random-weight test model. */
    public static final String WARNING_HEADER = "X-RR-Model-Warning";
    public static final String PATH_HEADER = "X-RR-Path";
    public static final String CONFIDENCE_HEADER = "X-RR-Confidence";
    public static final String ESCALATE_HEADER = "X-RR-Escalate";

    private final CompletionService service;
    private final ChatCompletionRequest.Limits limits;
    private final RequestBodyLimit bodyLimit;
    private final JsonMapper json;
    private final ExecutorService policies;

    public ChatCompletionsController(CompletionService service, ChatCompletionRequest.Limits limits, RequestBodyLimit bodyLimit,
                                     JsonMapper json, ExecutorService completionExecutor) {
        this.service = service;
        this.limits = limits;
        this.bodyLimit = bodyLimit;
        this.json = json;
        this.policies = completionExecutor;
    }

    @PostMapping("/v1/chat/completions")
    public ResponseEntity<StreamingResponseBody> chat(HttpServletRequest http) throws IOException {
        ChatCompletionRequest request = parse(http);
        PathProfile profile = service.profile();
        if (!profile.accepts(request.model())) {
            throw OpenAiException.invalid("model", "The model '" + request.model() + "' does not exist on this path; use '"
                    + profile.path() + "' or '" + profile.modelName() + "' (GET /v1/models lists them)", "model_not_found");
        }
        String id = ChatResponses.newId();
        CompletionJob job = new CompletionJob(id, request.messages(), request.sampling(), request.samples(),
                request.maxRounds(), null, "http", request.verify());
        try {
            service.check(job);
        } catch (IllegalArgumentException e) {
            throw OpenAiException.invalid("messages", e.getMessage());
        }
        HttpHeaders headers = new HttpHeaders();
        headers.set(PATH_HEADER, profile.path());
        if (profile.warning() != null) {
            headers.set(WARNING_HEADER, profile.warning());
        }
        Admission.Place place = service.admit();
        if (!request.stream()) {
            try (place) {
                Completion c = service.complete(job, null, new CancellationToken());
                if (c.escalation() != null) {
                    headers.set(CONFIDENCE_HEADER, String.format(Locale.ROOT, "%.4f", c.confidence()));
                    headers.set(ESCALATE_HEADER, Boolean.toString(c.escalation().suggested()));
                }
                byte[] body = json.writeValueAsBytes(ChatResponses.completion(id, System.currentTimeMillis() / 1000, profile, c));
                return ResponseEntity.ok().headers(headers).contentType(MediaType.APPLICATION_JSON).body(out -> out.write(body));
            } catch (IllegalArgumentException e) {
                throw OpenAiException.invalid("messages", e.getMessage());
            }
        }
        headers.setCacheControl("no-cache");
        StreamingResponseBody stream = out -> {
            try (place) {
                new CompletionStream(service, policies).run(job, request.includeUsage(), sink(out), id);
            }
        };
        return ResponseEntity.ok().headers(headers).contentType(MediaType.TEXT_EVENT_STREAM).body(stream);
    }

    /** Reads and checks the body: JSON content type, size limit, well-formed JSON, OpenAI's parameters. */
    private ChatCompletionRequest parse(HttpServletRequest http) throws IOException {
        String type = http.getContentType();
        if (type != null && !isJson(type)) {
            throw new OpenAiException(415, "Content-Type must be application/json, got '" + type + "'",
                    "invalid_request_error", null, "unsupported_media_type");
        }
        byte[] body;
        try (InputStream in = http.getInputStream()) {
            body = bodyLimit.read(in);
        }
        if (body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
            throw OpenAiException.invalid(null, "the request body is empty; send a JSON chat completion request");
        }
        Object parsed;
        try {
            parsed = json.readValue(body, Object.class);
        } catch (JacksonException e) {
            throw OpenAiException.invalid(null, "the request body is not valid JSON: " + e.getOriginalMessage());
        }
        return ChatCompletionRequest.parse(parsed, limits);
    }

    private static boolean isJson(String contentType) {
        try {
            MediaType m = MediaType.parseMediaType(contentType);
            return m.isCompatibleWith(MediaType.APPLICATION_JSON) || m.getSubtype().endsWith("+json");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private CompletionStream.Sink sink(OutputStream out) {
        return new CompletionStream.Sink() {
            @Override
            public void send(Map<String, Object> chunk) throws IOException {
                write("data: " + json.writeValueAsString(chunk) + "\n\n");
            }

            @Override
            public void done() throws IOException {
                write("data: [DONE]\n\n");
            }

            private void write(String s) throws IOException {
                out.write(s.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        };
    }
}
