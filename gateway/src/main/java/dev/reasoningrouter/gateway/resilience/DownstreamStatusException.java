package dev.reasoningrouter.gateway.resilience;

import org.springframework.http.HttpHeaders;

/**
 * A downstream answered with a server error (5xx). Raised inside the downstream's guard, so that its circuit
 * breaker counts the failure and a route with a fallback can answer elsewhere; without one the client gets the
 * upstream's answer as it was.
 */
public final class DownstreamStatusException extends RuntimeException {
    private final String downstream;
    private final int status;
    private final transient HttpHeaders headers;
    private final byte[] body;

    public DownstreamStatusException(String downstream, int status, HttpHeaders headers, byte[] body) {
        super("downstream '" + downstream + "' answered HTTP " + status, null, false, false);
        this.downstream = downstream;
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    public String downstream() {
        return downstream;
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
