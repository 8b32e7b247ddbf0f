package dev.reasoningrouter.gateway.errors;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders every error the gateway itself raises (unknown route, wrong method, an upstream that is
 * down or slow) in OpenAI's error shape, so clients of the API see one format whatever failed.
 * Runs before Spring Boot's default handler.
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
        HttpStatusCode status;
        OpenAiError body;
        String path = exchange.getRequest().getPath().value();
        if (ex instanceof ResponseStatusException rse) {
            status = rse.getStatusCode();
            body = switch (status.value()) {
                case 404 -> OpenAiError.of("Unknown endpoint: " + exchange.getRequest().getMethod() + " " + path,
                        "invalid_request_error", null, "not_found");
                case 405 -> OpenAiError.of("Method " + exchange.getRequest().getMethod() + " is not allowed on " + path,
                        "invalid_request_error", null, "method_not_allowed");
                case 413 -> OpenAiError.of("Request body too large", "invalid_request_error", null, "payload_too_large");
                default -> OpenAiError.of(rse.getReason() != null ? rse.getReason() : status.toString(),
                        status.is4xxClientError() ? "invalid_request_error" : "server_error", null, null);
            };
            if (status.value() == 503 || status.value() == 504) {
                body = OpenAiError.of("An upstream service is unavailable: " + rootMessage(ex), "server_error", null,
                        "upstream_unavailable");
            }
        } else if (hasCause(ex, ConnectException.class) || hasCause(ex, TimeoutException.class)) {
            status = HttpStatus.SERVICE_UNAVAILABLE;
            body = OpenAiError.of("An upstream service is unavailable: " + rootMessage(ex), "server_error", null,
                    "upstream_unavailable");
        } else {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
            log.error("unhandled error on {}", path, ex);
            body = OpenAiError.of("Internal error", "server_error", null, null);
        }
        exchange.getResponse().setStatusCode(status);
        exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_JSON);
        DataBuffer buffer = exchange.getResponse().bufferFactory().wrap(json.writeValueAsBytes(body));
        return exchange.getResponse().writeWith(Mono.just(buffer));
    }

    private static boolean hasCause(Throwable ex, Class<? extends Throwable> type) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable ex) {
        Throwable t = ex;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
