package dev.reasoningrouter.gateway.errors;

import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import dev.reasoningrouter.contracts.OpenAiException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders every error the gateway raises (its own {@link OpenAiException}s, an unknown route, a wrong method, an
 * upstream that is down, slow or behind an open circuit) in OpenAI's error shape, so clients of the API see one
 * format whatever failed. Runs before Spring Boot's default handler.
 */
@Component
@Order(-2)
public class OpenAiErrorHandler implements WebExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(OpenAiErrorHandler.class);
    private final JsonMapper json = JsonMapper.builder().build();

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        OpenAiException error = toOpenAiException(exchange, ex);
        exchange.getResponse().setStatusCode(HttpStatusCode.valueOf(error.status()));
        HttpHeaders headers = exchange.getResponse().getHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (error.retryAfterSeconds() > 0) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(error.retryAfterSeconds()));
        }
        if (error.status() == 401) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        DataBuffer buffer = exchange.getResponse().bufferFactory().wrap(json.writeValueAsBytes(error.body()));
        return exchange.getResponse().writeWith(Mono.just(buffer));
    }

    /** The OpenAI-shaped error for any failure; public so that a stream that breaks can describe it the same way. */
    public static OpenAiException toOpenAiException(ServerWebExchange exchange, Throwable ex) {
        String path = exchange.getRequest().getPath().value();
        if (ex instanceof OpenAiException api) {
            return api;
        }
        if (hasCause(ex, DataBufferLimitException.class)) {
            return new OpenAiException(413, "the request body is over the gateway's limit: "
                    + rootMessage(ex), "invalid_request_error", null, "request_too_large");
        }
        if (hasCause(ex, CallNotPermittedException.class)) {
            return new OpenAiException(503, "An upstream service is unavailable: " + rootMessage(ex), "server_error", null, "circuit_open");
        }
        if (hasCause(ex, BulkheadFullException.class)) {
            return new OpenAiException(503, "An upstream service is at its concurrency limit: "
                    + rootMessage(ex), "server_error", null, "upstream_overloaded");
        }
        if (ex instanceof ResponseStatusException rse) {
            int status = rse.getStatusCode().value();
            String method = String.valueOf(exchange.getRequest().getMethod());
            return switch (status) {
                case 404 -> new OpenAiException(status, "Unknown endpoint: " + method + " " + path, "invalid_request_error", null, "not_found");
                case 405 -> new OpenAiException(status, "Method " + method + " is not allowed on " + path, "invalid_request_error", null, "method_not_allowed");
                case 413 -> new OpenAiException(status, "Request body too large", "invalid_request_error", null, "request_too_large");
                case 415 -> new OpenAiException(status, "Unsupported Content-Type: " + reason(rse), "invalid_request_error", null, "unsupported_media_type");
                case 503, 504 -> upstreamUnavailable(ex);
                default -> new OpenAiException(status, reason(rse), status < 500 ? "invalid_request_error" : "server_error", null, null);
            };
        }
        if (hasCause(ex, ConnectException.class) || hasCause(ex, TimeoutException.class)) {
            return upstreamUnavailable(ex);
        }
        log.error("unhandled error on {}", path, ex);
        return new OpenAiException(500, "Internal error", "server_error", null, null);
    }

    private static OpenAiException upstreamUnavailable(Throwable ex) {
        return new OpenAiException(503, "An upstream service is unavailable: " + rootMessage(ex), "server_error", null, "upstream_unavailable");
    }

    private static String reason(ResponseStatusException rse) {
        return rse.getReason() != null ? rse.getReason() : rse.getStatusCode().toString();
    }

    public static boolean hasCause(Throwable ex, Class<? extends Throwable> type) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    public static String rootMessage(Throwable ex) {
        Throwable t = ex;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
