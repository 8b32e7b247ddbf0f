package dev.reasoningrouter.pathserving;

import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.engine.serving.ChatCompletionRequest;
import dev.reasoningrouter.engine.serving.ChatEndpoint;
import dev.reasoningrouter.engine.serving.OpenAiError;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** OpenAI's {@code POST /v1/chat/completions}, plain or streamed as Server-Sent Events. */
@RestController
public class ChatCompletionsController {
    /** Response header set on every reply made with a random-weight test model. */
    public static final String WARNING_HEADER = "X-RR-Model-Warning";

    private final ChatEndpoint endpoint;
    private final JsonMapper json;

    public ChatCompletionsController(ChatEndpoint endpoint, JsonMapper json) {
        this.endpoint = endpoint;
        this.json = json;
    }

    @PostMapping("/v1/chat/completions")
    public ResponseEntity<StreamingResponseBody> chat(@RequestBody(required = false) String body) {
        ChatCompletionRequest request;
        try {
            if (body == null || body.isBlank()) {
                throw OpenAiError.invalid(null, "the request body is empty; send a JSON chat completion request");
            }
            Object parsed;
            try {
                parsed = json.readValue(body, Object.class);
            } catch (JacksonException e) {
                throw OpenAiError.invalid(null, "the request body is not valid JSON: " + e.getOriginalMessage());
            }
            request = endpoint.parse(parsed);
        } catch (OpenAiError e) {
            return error(e);
        }
        HttpHeaders headers = new HttpHeaders();
        if (endpoint.profile().warning() != null) {
            headers.set(WARNING_HEADER, endpoint.profile().warning());
        }
        if (!request.stream()) {
            try {
                return ResponseEntity.ok().headers(headers).contentType(MediaType.APPLICATION_JSON)
                        .body(bytes(endpoint.complete(request, new CancellationToken())));
            } catch (OpenAiError e) {
                return ResponseEntity.status(e.status()).headers(headers).contentType(MediaType.APPLICATION_JSON).body(bytes(e.body()));
            }
        }
        headers.setCacheControl("no-cache");
        StreamingResponseBody stream = out -> {
            ChatEndpoint.ChunkSink sink = sink(out);
            try {
                endpoint.stream(request, sink, new CancellationToken());
            } catch (OpenAiError e) {
                // headers are already sent: report the error as an event, as OpenAI does mid-stream
                sink.send(e.body());
                sink.done();
            }
        };
        return ResponseEntity.ok().headers(headers).contentType(MediaType.TEXT_EVENT_STREAM).body(stream);
    }

    private ChatEndpoint.ChunkSink sink(OutputStream out) {
        return new ChatEndpoint.ChunkSink() {
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

    private ResponseEntity<StreamingResponseBody> error(OpenAiError e) {
        return ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON).body(bytes(e.body()));
    }

    /**
     * A finished JSON body. Every reply is a {@link StreamingResponseBody} so that one handler method can answer
     * both plain and streamed requests (Spring picks the return-value handler from the declared type).
     */
    private StreamingResponseBody bytes(Map<String, Object> body) {
        byte[] b = json.writeValueAsBytes(body);
        return out -> out.write(b);
    }
}
