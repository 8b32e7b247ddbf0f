package dev.reasoningrouter.gateway.upstream;

import java.net.URI;

/**
 * One OpenAI-compatible server the gateway forwards chat completions to: a path service or any other provider.
 *
 * @param name        its name in configuration, in {@code GET /v1/models} and in the {@code rr} block; also the name
 *                    of its circuit breaker, bulkhead and time limiter
 * @param kind        what it understands
 * @param baseUrl     base URL up to and including {@code /v1}
 * @param model       the model name it is sent
 * @param apiKey      its key, or null; never logged, never shown
 * @param description what it is
 */
public record Upstream(String name, Kind kind, URI baseUrl, String model, String apiKey, String description) {

    public enum Kind {
        /** A Reasoning Router path service: it takes the {@code rr} request extension and answers with an {@code rr} block. */
        PATH,
        /** Any other OpenAI-compatible server: it is sent standard fields only. */
        OPENAI
    }

    public URI chatCompletions() {
        return URI.create(baseUrl.toString() + "/chat/completions");
    }

    @Override
    public String toString() {
        // the key stays out of logs and messages
        return "Upstream[" + name + ", " + kind + ", " + baseUrl + ", model " + model + (apiKey == null ? "" : ", key set") + "]";
    }
}
