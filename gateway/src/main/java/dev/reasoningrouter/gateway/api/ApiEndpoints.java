package dev.reasoningrouter.gateway.api;

import dev.reasoningrouter.contracts.OpenAiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * The API's endpoints and their methods, for the requests no route took: a known endpoint asked with another method
 * is 405 with {@code Allow}, anything else under {@code /v1/} is 404, both in OpenAI's shape. (Without it, a wrong
 * method on a functional route fell through to the static resources and came back 404.) The chat completions and
 * classify routes are Spring Cloud Gateway routes that take every method and answer 405 themselves (the chat route in
 * {@code ChatRequest}, classify at the classifier), so they are left to them.
 */
public final class ApiEndpoints {
    private static final Map<PathPattern, Set<String>> ENDPOINTS = new LinkedHashMap<>();

    static {
        endpoint("/v1/chat/completions", "POST");
        endpoint("/v1/classify", "POST");
        endpoint("/v1/models", "GET");
        endpoint("/v1/files", "GET", "POST");
        endpoint("/v1/files/{id}", "GET");
        endpoint("/v1/files/{id}/content", "GET");
        endpoint("/v1/batches", "GET", "POST");
        endpoint("/v1/batches/{id}", "GET");
        endpoint("/v1/batches/{id}/cancel", "POST");
    }

    private ApiEndpoints() {}

    private static void endpoint(String pattern, String... methods) {
        ENDPOINTS.put(PathPatternParser.defaultInstance.parse(pattern), new TreeSet<>(List.of(methods)));
    }

    /** The methods {@code path} takes, or an empty set when it is no endpoint. */
    static Set<String> allowed(String path) {
        PathContainer p = PathContainer.parsePath(path);
        for (var e : ENDPOINTS.entrySet()) {
            if (e.getKey().matches(p)) {
                return e.getValue();
            }
        }
        return Set.of();
    }

    /** The last resort for {@code /v1/**} (register it after every other router function). */
    public static RouterFunction<ServerResponse> fallback() {
        return RouterFunctions.route(RequestPredicates.path("/v1/**")
                .and(RequestPredicates.path("/v1/chat/completions").negate())
                .and(RequestPredicates.path("/v1/classify").negate()), ApiEndpoints::refuse);
    }

    private static Mono<ServerResponse> refuse(ServerRequest request) {
        String method = request.method().name();
        String path = request.path();
        Set<String> allowed = allowed(path);
        if (allowed.isEmpty()) {
            return Mono.error(new OpenAiException(404, "Unknown endpoint: " + method + " " + path, "invalid_request_error", null,
                    "not_found"));
        }
        request.exchange().getResponse().getHeaders().set(HttpHeaders.ALLOW, String.join(", ", allowed));
        return Mono.error(new OpenAiException(405, "Method " + method + " is not allowed on " + path + "; use "
                + String.join(" or ", allowed), "invalid_request_error", null, "method_not_allowed"));
    }
}
