package dev.reasoningrouter.gateway.auth;

import dev.reasoningrouter.contracts.OpenAiException;
import dev.reasoningrouter.gateway.metrics.GatewayMetrics;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The request body limit (413 in OpenAI's shape): refused at once when {@code Content-Length} is over it, and cut off
 * as soon as a body without one grows over it, so an oversized body is never buffered. File uploads
 * ({@code POST /v1/files}) have the larger batch-file limit.
 */
public final class BodySizeLimitFilter implements WebFilter, Ordered {
    public static final int ORDER = ApiKeyFilter.ORDER + 10;
    /** Room for the multipart envelope around an uploaded file. */
    static final long MULTIPART_OVERHEAD = 64 * 1024;

    private final long jsonLimit;
    private final long fileLimit;
    private final GatewayMetrics metrics;

    public BodySizeLimitFilter(long jsonLimit, long fileLimit, GatewayMetrics metrics) {
        this.jsonLimit = jsonLimit;
        this.fileLimit = fileLimit + MULTIPART_OVERHEAD;
        this.metrics = metrics;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        long limit = request.getPath().value().equals("/v1/files") ? fileLimit : jsonLimit;
        long declared = request.getHeaders().getContentLength();
        if (declared > limit) {
            metrics.rejection("body_too_large");
            return Mono.error(BodySizeLimitFilter.tooLarge(limit));
        }
        AtomicLong seen = new AtomicLong();
        ServerHttpRequest bounded = new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                return super.getBody().handle((buffer, sink) -> {
                    if (seen.addAndGet(buffer.readableByteCount()) > limit) {
                        DataBufferUtils.release(buffer);
                        metrics.rejection("body_too_large");
                        sink.error(BodySizeLimitFilter.tooLarge(limit));
                    } else {
                        sink.next(buffer);
                    }
                });
            }
        };
        return chain.filter(exchange.mutate().request(bounded).build());
    }

    static OpenAiException tooLarge(long limit) {
        return new OpenAiException(413, "the request body is over the limit of " + limit + " bytes", "invalid_request_error", null,
                "request_too_large");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
