package dev.reasoningrouter.gateway.upstream;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code rr.upstreams.<name>.*} and {@code rr.routes.<route>.*}: what answers each route. The built-in upstreams
 * are the two path services ({@code fast-path}, {@code reasoning-path}); any other entry is an OpenAI-compatible
 * server (llama.cpp, vLLM, a hosted API) that a route can point at instead, or that clients can name as their
 * {@code model}.
 */
@ConfigurationProperties("rr")
public record UpstreamProperties(Map<String, UpstreamSettings> upstreams, Map<String, RouteSettings> routes) {

    public UpstreamProperties {
        // in the order configured: it is the order of GET /v1/models
        upstreams = upstreams == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
        routes = routes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(routes));
    }

    /**
     * @param baseUrl     the OpenAI-compatible base URL, up to and including {@code /v1}
     * @param kind        {@code path} (a Reasoning Router path service: takes the {@code rr} request extension and
     *                    answers with an {@code rr} block) or {@code openai} (any other OpenAI-compatible server)
     * @param model       the model name sent upstream in place of the one the client asked for
     * @param apiKey      the upstream's own key, sent as {@code Authorization: Bearer}; the client's key never is
     * @param description what it is, shown by {@code GET /v1/models}
     */
    public record UpstreamSettings(String baseUrl, String kind, String model, String apiKey, String description) {}

    /**
     * @param upstream    the upstream that answers the route
     * @param fallback    the route that answers instead when this route's upstream is down or its circuit open
     *                    (the answer is marked degraded); empty for none
     * @param description what the route means, shown by {@code GET /v1/models}
     */
    public record RouteSettings(String upstream, String fallback, String description) {}
}
