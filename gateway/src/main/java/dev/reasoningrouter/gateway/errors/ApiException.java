package dev.reasoningrouter.gateway.errors;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/**
 * A request the gateway answers with an OpenAI-shaped error: the status, the error body and any headers the
 * client needs (e.g. {@code Retry-After}). Raised anywhere in a filter or handler; {@link OpenAiErrorHandler}
 * writes it.
 */
public final class ApiException extends RuntimeException {
    private final HttpStatusCode status;
    private final OpenAiError body;
    private final Map<String, String> headers;

    public ApiException(HttpStatusCode status, OpenAiError body, Map<String, String> headers) {
        super(body.error().message(), null, false, false);
        this.status = status;
        this.body = body;
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public ApiException(HttpStatusCode status, String message, String type, String param, String code) {
        this(status, OpenAiError.of(message, type, param, code), Map.of());
    }

    /** 400 invalid_request_error naming the parameter. */
    public static ApiException invalid(String message, String param, String code) {
        return new ApiException(HttpStatus.BAD_REQUEST, message, "invalid_request_error", param, code);
    }

    public static ApiException notFound(String message, String param, String code) {
        return new ApiException(HttpStatus.NOT_FOUND, message, "invalid_request_error", param, code);
    }

    public static ApiException tooLarge(long limit) {
        return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "the request body is over the limit of " + limit + " bytes",
                "invalid_request_error", null, "request_too_large");
    }

    public HttpStatusCode status() {
        return status;
    }

    public OpenAiError body() {
        return body;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
