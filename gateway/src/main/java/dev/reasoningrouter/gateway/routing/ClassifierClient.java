package dev.reasoningrouter.gateway.routing;

import dev.reasoningrouter.contracts.RouteDecision;
import dev.reasoningrouter.gateway.resilience.DownstreamGuard;
import dev.reasoningrouter.gateway.upstream.UpstreamClient;
import dev.reasoningrouter.gateway.resilience.DownstreamStatusException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks the classifier service ({@code POST /v1/classify}) for a route, behind the {@code classifier} downstream's
 * circuit breaker, time limiter and bulkhead. A refusal of the text (a 4xx: too long, say) is a {@link Verdict.Declined},
 * not a failure of the classifier; a 5xx, a timeout or a refused connection is an error, for the caller to fall back on.
 */
public final class ClassifierClient {
    public static final String DOWNSTREAM = "classifier";

    /** What the classifier said. */
    public sealed interface Verdict {
        record Decided(RouteDecision decision) implements Verdict {}

        record Declined(String reason) implements Verdict {}
    }

    private final WebClient web;
    private final URI classifyUri;
    private final DownstreamGuard guard;
    private final JsonMapper json;

    public ClassifierClient(WebClient web, String classifierUrl, DownstreamGuard guard, JsonMapper json) {
        this.web = web;
        String base = classifierUrl.endsWith("/") ? classifierUrl.substring(0, classifierUrl.length() - 1) : classifierUrl;
        this.classifyUri = URI.create(base + "/v1/classify");
        this.guard = guard;
        this.json = json;
    }

    public Mono<Verdict> classify(String text, Double threshold, String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text);
        if (threshold != null) {
            body.put("threshold", threshold);
        }
        Mono<Verdict> call = web.post().uri(classifyUri)
                .contentType(MediaType.APPLICATION_JSON)
                .headers(h -> {
                    if (requestId != null) {
                        h.set(UpstreamClient.REQUEST_ID_HEADER, requestId);
                    }
                })
                .bodyValue(json.writeValueAsBytes(body))
                .exchangeToMono(response -> DataBufferUtils.join(response.bodyToFlux(DataBuffer.class))
                        .map(UpstreamClient::bytes)
                        .defaultIfEmpty(new byte[0])
                        .flatMap(bytes -> {
                            int status = response.statusCode().value();
                            if (status >= 500) {
                                return Mono.error(new DownstreamStatusException(DOWNSTREAM, status,
                                        response.headers().asHttpHeaders(), bytes));
                            }
                            if (status >= 300) {
                                return Mono.just(new Verdict.Declined("the classifier answered HTTP " + status + ": "
                                        + new String(bytes, StandardCharsets.UTF_8)));
                            }
                            return Mono.just(new Verdict.Decided(decision(bytes)));
                        }));
        return guard.call(call);
    }

    private RouteDecision decision(byte[] bytes) {
        JsonNode n = json.readTree(bytes);
        String route = n.path("route").asString("");
        if (!route.equals(RouteDecision.FAST) && !route.equals(RouteDecision.REASONING)) {
            throw new IllegalStateException("the classifier answered without a route: " + new String(bytes, StandardCharsets.UTF_8));
        }
        return new RouteDecision(route, n.path("score").asDouble(), n.path("threshold").asDouble(),
                n.path("task_type").asString(null), n.path("task_probability").asDouble(), n.path("model_version").asString(null),
                n.path("latency_ms").asDouble(), RouteDecision.SOURCE_CLASSIFIER);
    }
}
