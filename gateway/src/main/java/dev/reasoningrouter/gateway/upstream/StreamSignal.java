package dev.reasoningrouter.gateway.upstream;

import org.springframework.http.HttpHeaders;

/**
 * What a streamed upstream call yields: first its {@link Head}, then the body in {@link Chunk}s as they arrive. The
 * {@link ChatForwarder} puts a {@link Routed} before the head of whichever upstream answers.
 */
public sealed interface StreamSignal {

    /** Which route and upstream answer, and whether that is a degraded answer. */
    record Routed(Answering answering) implements StreamSignal {}

    /** The status line and headers: the upstream has answered. */
    record Head(String upstream, int status, HttpHeaders headers) implements StreamSignal {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** Bytes of the body, exactly as they came (not aligned with events). */
    record Chunk(byte[] bytes) implements StreamSignal {}
}
