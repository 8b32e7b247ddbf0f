package dev.reasoningrouter.gateway.upstream;

import org.springframework.http.HttpHeaders;

/**
 * An upstream answered with a server error (5xx). Raised inside the downstream's guard, so that its circuit
 * breaker counts the failure and a route with a fallback can answer elsewhere; without one the client gets the
 * upstream's answer as it was.
 */
public final class UpstreamStatusException extends RuntimeException {
    private final String upstream;
    private final int status;
    private final transient HttpHeaders headers;
    private final byte[] body;

    public UpstreamStatusException(String upstream, int status, HttpHeaders headers, byte[] body) {
        super("upstream '" + upstream + "' answered HTTP " + status, null, false, false);
        this.upstream = upstream;
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    public String upstream() {
        return upstream;
    }

    public int status() {
        return status;
    }

    public HttpHeaders headers() {
        return headers;
    }

    public byte[] body() {
        return body;
    }
}
