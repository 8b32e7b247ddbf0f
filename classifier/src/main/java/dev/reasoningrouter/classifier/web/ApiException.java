package dev.reasoningrouter.classifier.web;

import org.springframework.http.HttpStatus;

/** A client error to report in OpenAI's shape: {@code {"error":{"message","type","param","code"}}}. */
public final class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final String param;
    private final String code;

    public ApiException(HttpStatus status, String message, String param, String code) {
        super(message, null, false, false);
        this.status = status;
        this.param = param;
        this.code = code;
    }

    public static ApiException invalid(String message, String param, String code) {
        return new ApiException(HttpStatus.BAD_REQUEST, message, param, code);
    }

    public HttpStatus status() {
        return status;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
