package dev.reasoningrouter.gateway.api;

import dev.reasoningrouter.gateway.metrics.GatewayMetrics;
import dev.reasoningrouter.gateway.routing.Escalation;
import dev.reasoningrouter.gateway.upstream.ChatForwarder;
import dev.reasoningrouter.gateway.upstream.UpstreamRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class ApiConfiguration {

    @Bean
    ModelCatalog modelCatalog(UpstreamRegistry upstreams) {
        return new ModelCatalog(upstreams);
    }

    @Bean
    RequestIds requestIds() {
        return new RequestIds();
    }

    @Bean
    ChatRequestGatewayFilterFactory chatRequestGatewayFilterFactory(ModelCatalog models, JsonMapper json) {
        return new ChatRequestGatewayFilterFactory(models, json);
    }

    @Bean
    ChatCompletionGatewayFilterFactory chatCompletionGatewayFilterFactory(ChatForwarder forwarder, Escalation escalation,
                                                                          GatewayMetrics metrics, JsonMapper json) {
        return new ChatCompletionGatewayFilterFactory(forwarder, escalation, metrics, json);
    }

    /** {@code GET /v1/models}. */
    @Bean
    @Order(0) // before the /v1/** fallback
    RouterFunction<ServerResponse> modelsRoute(ModelCatalog models) {
        return RouterFunctions.route()
                .GET("/v1/models", request -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(models.list()))
                .build();
    }

    /** After every other router function: 405 for a known endpoint asked with another method, else 404. */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    RouterFunction<ServerResponse> apiFallbackRoute() {
        return ApiEndpoints.fallback();
    }
}
