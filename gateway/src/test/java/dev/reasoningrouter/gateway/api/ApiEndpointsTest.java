package dev.reasoningrouter.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.gateway.errors.OpenAiErrorHandler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.mock.web.reactive.function.server.MockServerRequest;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A known endpoint asked with the wrong method is 405 with {@code Allow}; an unknown one is 404; both OpenAI-shaped. */
class ApiEndpointsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final WebTestClient client = WebTestClient.bindToRouterFunction(ApiEndpoints.fallback())
            .handlerStrategies(HandlerStrategies.builder().exceptionHandler(new OpenAiErrorHandler()).build())
            .build();

    private EntityExchangeResult<byte[]> call(String method, String uri) {
        return client.method(HttpMethod.valueOf(method)).uri(uri).exchange().expectBody().returnResult();
    }

    private static JsonNode error(EntityExchangeResult<byte[]> r) {
        JsonNode e = JSON.readTree(new String(r.getResponseBodyContent(), StandardCharsets.UTF_8)).path("error");
        assertThat(e.path("message").asString()).isNotBlank();
        assertThat(e.has("type") && e.has("param") && e.has("code")).isTrue();
        return e;
    }

    @Test
    void aWrongMethodOnAKnownEndpointIs405WithTheAllowedMethods() {
        String[][] cases = {{"PUT", "/v1/files", "GET, POST"}, {"DELETE", "/v1/batches", "GET, POST"}, {"POST", "/v1/models", "GET"},
                {"POST", "/v1/files/file-abc", "GET"}, {"DELETE", "/v1/files/file-abc/content", "GET"},
                {"GET", "/v1/batches/batch_1/cancel", "POST"}, {"PATCH", "/v1/batches/batch_1", "GET"}};
        for (String[] c : cases) {
            EntityExchangeResult<byte[]> r = call(c[0], c[1]);
            assertThat(r.getStatus().value()).as(c[0] + " " + c[1]).isEqualTo(405);
            assertThat(r.getResponseHeaders().getFirst("Allow")).as(c[0] + " " + c[1]).isEqualTo(c[2]);
            assertThat(error(r).path("code").asString()).isEqualTo("method_not_allowed");
        }
    }

    @Test
    void anUnknownEndpointIs404() {
        for (String[] c : new String[][] {{"GET", "/v1/unknown"}, {"POST", "/v1/engines"}, {"POST", "/v1/embeddings"},
                {"DELETE", "/v1/files/x/extra"}, {"GET", "/v1/chat"}}) {
            EntityExchangeResult<byte[]> r = call(c[0], c[1]);
            assertThat(r.getStatus().value()).as(c[0] + " " + c[1]).isEqualTo(404);
            assertThat(error(r).path("code").asString()).isEqualTo("not_found");
        }
    }

    @Test
    void theChatAndClassifyRoutesAreLeftToTheirGatewayRoutes() {
        assertThat(ApiEndpoints.allowed("/v1/chat/completions")).containsExactly("POST");
        for (String path : new String[] {"/v1/chat/completions", "/v1/classify"}) {
            var request = MockServerRequest.builder().method(HttpMethod.GET).uri(URI.create("http://localhost" + path)).build();
            assertThat(ApiEndpoints.fallback().route(request).blockOptional()).as(path).isEmpty();
        }
        var other = MockServerRequest.builder().method(HttpMethod.PUT).uri(URI.create("http://localhost/v1/files")).build();
        assertThat(ApiEndpoints.fallback().route(other).blockOptional()).isPresent();
    }
}
