package dev.reasoningrouter.gateway.routing;

import dev.reasoningrouter.gateway.metrics.GatewayMetrics;
import dev.reasoningrouter.gateway.resilience.Downstreams;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RoutingProperties.class)
class RoutingConfiguration {

    @Bean
    ClassifierClient classifierClient(WebClient downstreamWebClient, RoutingProperties properties, Downstreams downstreams, JsonMapper json) {
        return new ClassifierClient(downstreamWebClient, properties.classifierUrl(), downstreams.guard(ClassifierClient.DOWNSTREAM), json);
    }

    @Bean
    HeuristicRouter heuristicRouter() {
        return new HeuristicRouter();
    }

    @Bean
    Escalation escalation(RoutingProperties properties) {
        return new Escalation(properties.escalation());
    }

    @Bean
    RouteDecisionGatewayFilterFactory routeDecisionGatewayFilterFactory(ClassifierClient classifier, HeuristicRouter heuristic,
                                                                        RoutingProperties properties, GatewayMetrics metrics) {
        return new RouteDecisionGatewayFilterFactory(classifier, heuristic, properties, metrics);
    }
}
