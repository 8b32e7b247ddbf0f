package dev.reasoningrouter.pathserving.api;

import dev.reasoningrouter.contracts.OpenAiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The largest request body the path accepts ({@code rr.http.max-body-bytes}). A declared length over it is refused
 * with 413 before the body is read; a chunked body is read up to the limit and refused when it goes past.
 */
public final class RequestBodyLimit extends OncePerRequestFilter {
    private final long maxBytes;
    private final JsonMapper json;

    public RequestBodyLimit(long maxBytes, JsonMapper json) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("rr.http.max-body-bytes must be positive, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.json = json;
    }

    public long maxBytes() {
        return maxBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            OpenAiException e = tooLarge(declared + " bytes");
            response.setStatus(e.status());
            response.setContentType("application/json");
            response.getOutputStream().write(json.writeValueAsBytes(e.body()));
            return;
        }
        chain.doFilter(request, response);
    }

    /** Reads a whole body, refusing it with 413 once it passes the limit. */
    public byte[] read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
            if (total > maxBytes) {
                throw tooLarge("more than " + maxBytes + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private OpenAiException tooLarge(String size) {
        return new OpenAiException(413, "the request body is " + size + "; this service accepts at most " + maxBytes + " bytes",
                "invalid_request_error", null, "request_too_large");
    }
}
