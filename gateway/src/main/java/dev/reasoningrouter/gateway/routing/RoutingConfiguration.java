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

    /**
     * One classification as soon as the gateway is up, off the request path: the first call pays for the HTTP
     * client's and the classifier's warm-up, which would otherwise push a user's first request past the
     * classifier's time limit onto the heuristic.
     */
    @Bean
    org.springframework.context.ApplicationListener<org.springframework.boot.context.event.ApplicationReadyEvent> classifierWarmUp(
            ClassifierClient classifier) {
        return event -> classifier.classify("Warm-up: what is two plus two?", null, "warm-up")
                .subscribe(v -> { }, e -> org.slf4j.LoggerFactory.getLogger(ClassifierClient.class)
                        .info("classifier warm-up failed ({}); requests route by heuristic until it answers", e.toString()));
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
