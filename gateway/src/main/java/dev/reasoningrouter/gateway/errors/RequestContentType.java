package dev.reasoningrouter.gateway.errors;

import dev.reasoningrouter.contracts.OpenAiException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * A request's {@code Content-Type}, read so that a bad one is the client's 415 in OpenAI's shape rather than the
 * exception Spring throws for a header it cannot parse (which would be a 500).
 */
public final class RequestContentType {
    private RequestContentType() {}

    /** The declared type, or null when there is none; 415 {@code unsupported_media_type} when it cannot be parsed. */
    public static MediaType of(HttpHeaders headers) {
        try {
            return headers.getContentType();
        } catch (InvalidMediaTypeException e) {
            throw unsupported("unreadable Content-Type '" + headers.getFirst(HttpHeaders.CONTENT_TYPE) + "'");
        }
    }

    /**
     * Checks a JSON endpoint's body type: absent is tolerated (the body must still be JSON), anything but
     * {@code application/json} in UTF-8 is 415.
     */
    public static void requireJson(HttpHeaders headers, String endpoint) {
        MediaType type = of(headers);
        if (type == null) {
            return;
        }
        boolean utf8;
        try {
            utf8 = type.getCharset() == null || type.getCharset().equals(StandardCharsets.UTF_8);
        } catch (RuntimeException e) { // an unknown or illegal charset name
            utf8 = false;
        }
        if (!type.isCompatibleWith(MediaType.APPLICATION_JSON) || !utf8) {
            throw unsupported(endpoint + " takes Content-Type application/json (UTF-8), got " + type);
        }
    }

    public static OpenAiException unsupported(String message) {
        return new OpenAiException(415, message, "invalid_request_error", null, "unsupported_media_type");
    }
}
