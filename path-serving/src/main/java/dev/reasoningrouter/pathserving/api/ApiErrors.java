package dev.reasoningrouter.pathserving.api;

import dev.reasoningrouter.contracts.OpenAiError;
import dev.reasoningrouter.contracts.OpenAiException;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error a path service answers, in OpenAI's shape: its own refusals ({@link OpenAiException}), Spring MVC's
 * (unknown endpoint 404, wrong method 405, unusable media type 415) and, through {@code /error}, whatever the
 * servlet container reports before MVC is reached. Only a fault of the service itself is a 5xx.
 */
@RestControllerAdvice
public class ApiErrors implements org.springframework.boot.webmvc.error.ErrorController {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    @ExceptionHandler(OpenAiException.class)
    ResponseEntity<OpenAiError> refused(OpenAiException e) {
        ResponseEntity.BodyBuilder b = ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON);
        if (e.retryAfterSeconds() > 0) {
            b.header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        return b.body(e.body());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<OpenAiError> notFound(NoResourceFoundException e) {
        return error(404, "Unknown endpoint: " + e.getHttpMethod() + " /" + e.getResourcePath(), "not_found");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<OpenAiError> method(HttpRequestMethodNotSupportedException e) {
        return error(405, "Method " + e.getMethod() + " is not allowed here; allowed: " + e.getSupportedHttpMethods(),
                "method_not_allowed");
    }

    @ExceptionHandler(HttpMediaTypeException.class)
    ResponseEntity<OpenAiError> mediaType(HttpMediaTypeException e) {
        return error(415, e.getMessage(), "unsupported_media_type");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<OpenAiError> unexpected(Exception e) {
        log.error("unexpected error", e);
        return ResponseEntity.status(500).contentType(MediaType.APPLICATION_JSON)
                .body(OpenAiError.of("internal error: " + e.getClass().getSimpleName(), "server_error", null, "internal_error"));
    }

    /** Errors the container raises outside MVC (a malformed request line, a body it refused) are forwarded here. */
    @RequestMapping("/error")
    ResponseEntity<OpenAiError> containerError(HttpServletRequest request) {
        Object s = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = s instanceof Integer i ? i : 500;
        Object m = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        String message = m instanceof String text && !text.isBlank() ? text : "HTTP " + status;
        if (status >= 500) {
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                    .body(OpenAiError.of(message, "server_error", null, null));
        }
        return error(status, message, status == 404 ? "not_found" : status == 413 ? "request_too_large" : null);
    }

    private static ResponseEntity<OpenAiError> error(int status, String message, String code) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(OpenAiError.of(message, "invalid_request_error", null, code));
    }
}
