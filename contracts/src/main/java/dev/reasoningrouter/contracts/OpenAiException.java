package dev.reasoningrouter.contracts;

/**
 * A request the service refuses, with the HTTP status and the OpenAI-shaped body to answer it with. Thrown where the
 * problem is found; the web layer renders it. No stack trace: it reports the client's mistake, not a fault.
 *
 * @see OpenAiError
 */
public final class OpenAiException extends RuntimeException {
    private final int status;
    private final OpenAiError body;
    private final long retryAfterSeconds;

    public OpenAiException(int status, OpenAiError body, long retryAfterSeconds) {
        super(body.message(), null, false, false);
        this.status = status;
        this.body = body;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public OpenAiException(int status, String message, String type, String param, String code) {
        this(status, OpenAiError.of(message, type, param, code), 0);
    }

    /** 400 {@code invalid_request_error} about one parameter ({@code param} may be null for the whole body). */
    public static OpenAiException invalid(String param, String message) {
        return new OpenAiException(400, message, "invalid_request_error", param, param == null ? null : "invalid_value");
    }

    /** 400 {@code invalid_request_error} with a specific code. */
    public static OpenAiException invalid(String param, String message, String code) {
        return new OpenAiException(400, message, "invalid_request_error", param, code);
    }

    /** 429: come back after {@code retryAfterSeconds}. */
    public static OpenAiException overloaded(String message, String code, long retryAfterSeconds) {
        return new OpenAiException(429, OpenAiError.of(message, "rate_limit_error", null, code), retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public OpenAiError body() {
        return body;
    }

    /** The request parameter at fault, or null. */
    public String param() {
        return body.error().param();
    }

    /** Seconds to put in {@code Retry-After}, or 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
