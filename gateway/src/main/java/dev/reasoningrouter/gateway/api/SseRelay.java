package dev.reasoningrouter.gateway.api;

import dev.reasoningrouter.contracts.OpenAiError;
import dev.reasoningrouter.gateway.errors.OpenAiErrorHandler;
import dev.reasoningrouter.gateway.routing.RoutePlan;
import dev.reasoningrouter.gateway.upstream.Answering;
import dev.reasoningrouter.gateway.upstream.StreamSignal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import reactor.core.publisher.Flux;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Relays one upstream stream to the client event by event, never holding more than the event in progress: each
 * chunk object gets the gateway's routing fields in its {@code rr} object, {@code [DONE]} and the upstream's own
 * error events pass as they are. A stream that breaks off after its head, or ends without {@code [DONE]}, is closed
 * with an OpenAI-shaped error event and {@code [DONE]}, so a client never waits on a dead stream. An upstream answer
 * that is not a stream (a 4xx JSON error) passes through unchanged. One instance per request.
 */
final class SseRelay {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    /** What the relay learns of the stream as it goes, for the caller's metrics and limits. */
    interface Listener {
        /** The head is in: set the response's status and headers now, before the first byte goes out. */
        void head(StreamSignal.Head head, ChatAnnotations annotations);

        /** Tokens the stream used (its usage chunk, else an estimate from the text), reported at its end. */
        void tokens(long tokens);

        void broken(String upstream, Throwable cause);
    }

    private final JsonMapper json;
    private final String requestedModel;
    private final RoutePlan plan;
    private final long promptTokenEstimate;
    private final Listener listener;
    private final SseEvents events = new SseEvents();

    private Answering answering;
    private ChatAnnotations annotations;
    private boolean headSeen;
    private boolean eventStream;
    private boolean done;
    private long usageTokens = -1;
    private long textChars;

    SseRelay(JsonMapper json, String requestedModel, RoutePlan plan, long promptTokenEstimate, Listener listener) {
        this.json = json;
        this.requestedModel = requestedModel;
        this.plan = plan;
        this.promptTokenEstimate = promptTokenEstimate;
        this.listener = listener;
    }

    /** The client's body bytes, each element one whole event (to be flushed as it comes). */
    Flux<byte[]> relay(Flux<StreamSignal> upstream) {
        return upstream.concatMapIterable(this::onSignal)
                .concatWith(Flux.defer(() -> Flux.fromIterable(onComplete())))
                .onErrorResume(e -> headSeen, e -> Flux.fromIterable(onBreak(e)))
                .doFinally(s -> listener.tokens(tokensUsed()));
    }

    /**
     * What the stream cost: its usage chunk, else an estimate from the text; nothing when no successful event stream
     * began (the upstream refused the request or never answered).
     */
    long tokensUsed() {
        if (!eventStream) {
            return 0;
        }
        return usageTokens >= 0 ? usageTokens : promptTokenEstimate + textChars / 4;
    }

    private List<byte[]> onSignal(StreamSignal signal) {
        switch (signal) {
            case StreamSignal.Routed r -> {
                answering = r.answering();
                annotations = new ChatAnnotations(requestedModel, plan, answering, null);
                return List.of();
            }
            case StreamSignal.Head h -> {
                headSeen = true;
                MediaType type = h.headers().getContentType();
                eventStream = h.ok() && (type == null || MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type));
                listener.head(h, annotations);
                return List.of();
            }
            case StreamSignal.Chunk c -> {
                if (!eventStream) {
                    return List.of(c.bytes());
                }
                List<byte[]> out = new ArrayList<>();
                for (String event : events.feed(c.bytes())) {
                    out.add(onEvent(event));
                }
                return out;
            }
        }
    }

    private byte[] onEvent(String event) {
        String data = SseEvents.data(event);
        if (data == null || done) {
            return (event + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
        if (data.equals("[DONE]")) {
            done = true;
            return DONE;
        }
        if (!SseEvents.onlyData(event)) {
            return (event + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
        JsonNode node;
        try {
            node = json.readTree(data);
        } catch (JacksonException e) {
            return (event + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
        if (node instanceof ObjectNode chunk && !chunk.has("error")) {
            count(chunk);
            annotations.annotate(chunk, json);
            return ("data: " + json.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
        return (event + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private void count(ObjectNode chunk) {
        JsonNode total = chunk.path("usage").path("total_tokens");
        if (total.canConvertToLong()) {
            usageTokens = total.asLong();
        }
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode delta = choice.path("delta");
            textChars += delta.path("content").asString("").length() + delta.path("reasoning_content").asString("").length();
        }
    }

    private List<byte[]> onComplete() {
        if (!eventStream || done) {
            return List.of();
        }
        String rest = events.rest();
        String why = "the upstream '" + answering.upstream().name() + "' ended the stream without [DONE]"
                + (rest.isEmpty() ? "" : " (an unfinished event was dropped)");
        listener.broken(answering.upstream().name(), new IllegalStateException(why));
        return List.of(errorEvent(why), DONE);
    }

    private List<byte[]> onBreak(Throwable e) {
        String name = answering == null ? "upstream" : answering.upstream().name();
        listener.broken(name, e);
        if (!eventStream) {
            return List.of(); // a plain body cut short: nothing more can be said in it
        }
        if (done) {
            return List.of();
        }
        return List.of(errorEvent("the upstream '" + name + "' stream broke off: " + OpenAiErrorHandler.rootMessage(e)), DONE);
    }

    private byte[] errorEvent(String message) {
        OpenAiError error = OpenAiError.of(message, "server_error", null, "stream_interrupted");
        return ("data: " + json.writeValueAsString(error) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Sets the response headers for a head that is in. */
    static void writeHead(HttpHeaders response, StreamSignal.Head head, ChatAnnotations annotations, Consumer<Integer> status) {
        head.headers().forEach(response::put);
        if (head.ok()) {
            response.setCacheControl("no-cache");
        }
        annotations.writeHeaders(response);
        status.accept(head.status());
    }
}
