package dev.reasoningrouter.gateway.upstream;

import dev.reasoningrouter.gateway.resilience.DownstreamStatusException;
import java.util.List;
import java.util.Locale;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends a chat completion to an upstream, as JSON or as a stream, without blocking: Reactor Netty underneath, the
 * streamed body handed on chunk by chunk as it arrives. A 5xx answer becomes an {@link DownstreamStatusException} (a
 * failure for the downstream's circuit breaker); any other answer, 4xx included, is returned as it came.
 */
public final class UpstreamClient {
    /** Upstream response headers the client sees: the path services' own and what a client needs after a 429. */
    private static final List<String> PASSED_HEADERS = List.of(HttpHeaders.RETRY_AFTER, HttpHeaders.CONTENT_TYPE);
    public static final String REQUEST_ID_HEADER = "X-Request-Id";

    private final WebClient web;

    public UpstreamClient(WebClient web) {
        this.web = web;
    }

    /** One whole answer. */
    public Mono<UpstreamReply> complete(Upstream upstream, byte[] body, String requestId) {
        return web.post().uri(upstream.chatCompletions())
                .headers(h -> headers(h, upstream, requestId, MediaType.APPLICATION_JSON))
                .bodyValue(body)
                .exchangeToMono(response -> DataBufferUtils.join(response.bodyToFlux(DataBuffer.class))
                        .map(UpstreamClient::bytes)
                        .defaultIfEmpty(new byte[0])
                        .flatMap(bytes -> {
                            int status = response.statusCode().value();
                            HttpHeaders passed = passedHeaders(response);
                            return status >= 500
                                    ? Mono.error(new DownstreamStatusException(upstream.name(), status, passed, bytes))
                                    : Mono.just(new UpstreamReply(upstream.name(), status, passed, bytes));
                        }));
    }

    /** A streamed answer: its head, then its body's chunks as they arrive. */
    public Flux<StreamSignal> stream(Upstream upstream, byte[] body, String requestId) {
        return web.post().uri(upstream.chatCompletions())
                .headers(h -> headers(h, upstream, requestId, MediaType.TEXT_EVENT_STREAM))
                .bodyValue(body)
                .exchangeToFlux(response -> {
                    int status = response.statusCode().value();
                    HttpHeaders passed = passedHeaders(response);
                    if (status >= 500) {
                        return DataBufferUtils.join(response.bodyToFlux(DataBuffer.class)).map(UpstreamClient::bytes)
                                .defaultIfEmpty(new byte[0])
                                .flatMapMany(b -> Flux.error(new DownstreamStatusException(upstream.name(), status, passed, b)));
                    }
                    Flux<StreamSignal> chunks = response.bodyToFlux(DataBuffer.class).map(b -> new StreamSignal.Chunk(bytes(b)));
                    return Flux.concat(Mono.just(new StreamSignal.Head(upstream.name(), status, passed)), chunks);
                });
    }

    private static void headers(HttpHeaders h, Upstream upstream, String requestId, MediaType accept) {
        h.setContentType(MediaType.APPLICATION_JSON);
        h.setAccept(List.of(accept, MediaType.APPLICATION_JSON));
        if (upstream.apiKey() != null) {
            h.setBearerAuth(upstream.apiKey());
        }
        if (requestId != null) {
            h.set(REQUEST_ID_HEADER, requestId);
        }
    }

    private static HttpHeaders passedHeaders(ClientResponse response) {
        HttpHeaders in = response.headers().asHttpHeaders();
        HttpHeaders out = new HttpHeaders();
        in.forEach((name, values) -> {
            boolean rr = name.toLowerCase(Locale.ROOT).startsWith("x-rr-");
            if (rr || PASSED_HEADERS.stream().anyMatch(name::equalsIgnoreCase)) {
                out.put(name, values);
            }
        });
        return out;
    }

    /** The readable bytes of a buffer, which is released. */
    public static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] b = new byte[buffer.readableByteCount()];
            buffer.read(b);
            return b;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
