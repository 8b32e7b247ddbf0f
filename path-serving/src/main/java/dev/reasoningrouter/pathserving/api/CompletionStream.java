package dev.reasoningrouter.pathserving.api;

import dev.reasoningrouter.contracts.OpenAiError;
import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.pathserving.core.Completion;
import dev.reasoningrouter.pathserving.core.CompletionJob;
import dev.reasoningrouter.pathserving.core.CompletionListener;
import dev.reasoningrouter.pathserving.core.CompletionService;
import dev.reasoningrouter.pathserving.core.PathProfile;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed completion: the policy runs on its own (virtual) thread and its text arrives here through a queue, so
 * the response is written on the request's thread only and a slow client never stalls the engine's decode steps.
 * Sends the role, the {@code reasoning_content} and {@code content} deltas as they come, a last chunk with the finish
 * reason and the complete {@code rr} block, the usage chunk if asked, then {@code [DONE]}. A client that goes away
 * cancels the generation; a failure after the headers went out is sent as an OpenAI error event.
 */
final class CompletionStream {
    private static final Logger log = LoggerFactory.getLogger(CompletionStream.class);

    /** Where the events go: one call per Server-Sent Event's JSON, then {@link #done()}. */
    interface Sink {
        void send(Map<String, Object> chunk) throws IOException;

        void done() throws IOException;
    }

    private record Delta(boolean reasoning, String text) {}

    private final CompletionService service;
    private final ExecutorService executor;

    CompletionStream(CompletionService service, ExecutorService executor) {
        this.service = service;
        this.executor = executor;
    }

    void run(CompletionJob job, boolean includeUsage, Sink sink, String id) throws IOException {
        PathProfile profile = service.profile();
        long created = System.currentTimeMillis() / 1000;
        CancellationToken cancel = new CancellationToken();
        LinkedBlockingQueue<Delta> deltas = new LinkedBlockingQueue<>();
        CompletionListener listener = new CompletionListener() {
            @Override
            public void reasoning(String delta) {
                deltas.add(new Delta(true, delta));
            }

            @Override
            public void content(String delta) {
                deltas.add(new Delta(false, delta));
            }
        };
        CompletableFuture<Completion> done = CompletableFuture.supplyAsync(() -> service.complete(job, listener, cancel), executor);
        try {
            sink.send(ChatResponses.delta(id, created, profile, "assistant", null, null));
            while (true) {
                Delta d = deltas.poll(50, TimeUnit.MILLISECONDS);
                if (d == null) {
                    if (done.isDone() && deltas.isEmpty()) {
                        break;
                    }
                    continue;
                }
                sink.send(d.reasoning() ? ChatResponses.delta(id, created, profile, null, d.text(), null)
                        : ChatResponses.delta(id, created, profile, null, null, d.text()));
            }
            Completion c = done.get();
            sink.send(ChatResponses.finish(id, created, profile, c));
            if (includeUsage) {
                sink.send(ChatResponses.usageChunk(id, created, profile, c));
            }
            sink.done();
        } catch (IOException e) {
            cancel.cancel(); // the client went away: stop generating for it
            throw e;
        } catch (InterruptedException e) {
            cancel.cancel();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while streaming", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            OpenAiError error = cause instanceof IllegalArgumentException
                    ? OpenAiError.of(cause.getMessage(), "invalid_request_error", "messages", "invalid_value")
                    : OpenAiError.of("generation failed: " + cause.getMessage(), "server_error", null, "generation_failed");
            if (!(cause instanceof IllegalArgumentException)) {
                log.error("streamed completion {} failed", id, cause);
            }
            sink.send(Map.of("error", error.error()));
            sink.done();
        }
    }
}
