package dev.reasoningrouter.engine.serving;

import dev.reasoningrouter.engine.generate.CancellationToken;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The framework-free body of {@code POST /v1/chat/completions} shared by the path services: checks the request,
 * runs it on the {@link ModelHost} with the path's expert budget, and produces OpenAI-shaped bodies or stream
 * chunks. The services add only HTTP and metrics glue.
 */
public final class ChatEndpoint {

    /** Told about every finished generation (for metrics). */
    @FunctionalInterface
    public interface Observer {
        void completed(ChatOutcome outcome);

        Observer NONE = o -> {};
    }

    /** Where a streamed reply goes: one call per Server-Sent Event's JSON, then {@link #done()}. */
    public interface ChunkSink {
        void send(Map<String, Object> chunk) throws IOException;

        void done() throws IOException;
    }

    private final ModelHost host;
    private final PathProfile profile;
    private final int maxTokensLimit;
    private final int defaultMaxTokens;
    private final Observer observer;

    public ChatEndpoint(ModelHost host, PathProfile profile, int maxTokensLimit, int defaultMaxTokens, Observer observer) {
        if (maxTokensLimit < 1 || defaultMaxTokens < 1 || defaultMaxTokens > maxTokensLimit) {
            throw new IllegalArgumentException("need 1 <= default max tokens (" + defaultMaxTokens + ") <= max tokens limit ("
                    + maxTokensLimit + ")");
        }
        this.host = host;
        this.profile = profile;
        this.maxTokensLimit = maxTokensLimit;
        this.defaultMaxTokens = defaultMaxTokens;
        this.observer = observer == null ? Observer.NONE : observer;
    }

    public PathProfile profile() {
        return profile;
    }

    /** Checks a parsed JSON body; throws {@link OpenAiError}. */
    public ChatCompletionRequest parse(Object body) {
        return ChatCompletionRequest.parse(body, maxTokensLimit, defaultMaxTokens);
    }

    /** A non-streaming completion body. */
    public Map<String, Object> complete(ChatCompletionRequest r, CancellationToken cancel) {
        String id = ChatResponses.newId();
        long created = System.currentTimeMillis() / 1000;
        ChatOutcome out = await(start(r, null, cancel));
        observer.completed(out);
        return ChatResponses.completion(id, created, profile, out);
    }

    /**
     * Streams the reply as OpenAI chunks: the role, the text deltas, a last chunk with finish_reason and usage, then
     * done. The sink is written on the calling thread only (never the engine's), so a slow client does not stall
     * other sequences' decode steps. If the sink fails (client gone), the generation is cancelled.
     */
    public void stream(ChatCompletionRequest r, ChunkSink sink, CancellationToken cancel) throws IOException {
        String id = ChatResponses.newId();
        long created = System.currentTimeMillis() / 1000;
        CancellationToken token = cancel == null ? new CancellationToken() : cancel;
        LinkedBlockingQueue<String> deltas = new LinkedBlockingQueue<>();
        CompletableFuture<ChatOutcome> f = start(r, deltas::add, token);
        try {
            sink.send(ChatResponses.chunk(id, created, profile, "assistant", "", null, null));
            while (true) {
                String d = deltas.poll(50, TimeUnit.MILLISECONDS);
                if (d != null) {
                    StringBuilder sb = new StringBuilder(d);
                    for (String more; (more = deltas.poll()) != null; ) {
                        sb.append(more);
                    }
                    sink.send(ChatResponses.chunk(id, created, profile, null, sb.toString(), null, null));
                } else if (f.isDone() && deltas.isEmpty()) {
                    break;
                }
            }
            ChatOutcome out = await(f);
            observer.completed(out);
            sink.send(ChatResponses.chunk(id, created, profile, null, null, out.openAiFinishReason(), out));
            sink.done();
        } catch (IOException | RuntimeException e) {
            token.cancel();
            throw e;
        } catch (InterruptedException e) {
            token.cancel();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while streaming", e);
        }
    }

    private CompletableFuture<ChatOutcome> start(ChatCompletionRequest r, TextListener listener, CancellationToken cancel) {
        try {
            return host.chatAsync(r.messages(), r.sampling(), profile.budget(), listener, cancel);
        } catch (IllegalArgumentException e) {
            // e.g. the prompt does not fit the model's context
            throw OpenAiError.invalid("messages", e.getMessage());
        }
    }

    private static ChatOutcome await(CompletableFuture<ChatOutcome> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IllegalArgumentException iae) {
                throw OpenAiError.invalid(null, iae.getMessage());
            }
            throw new IllegalStateException("generation failed: " + c.getMessage(), c);
        }
    }
}
