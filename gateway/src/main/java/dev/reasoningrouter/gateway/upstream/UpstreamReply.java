package dev.reasoningrouter.gateway.upstream;

import org.springframework.http.HttpHeaders;

/** A whole (non-streamed) answer of an upstream: its status, headers and body as they came. */
public record UpstreamReply(String upstream, int status, HttpHeaders headers, byte[] body) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
