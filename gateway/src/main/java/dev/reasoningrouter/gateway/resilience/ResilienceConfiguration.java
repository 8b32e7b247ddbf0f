package dev.reasoningrouter.gateway.resilience;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ResilienceProperties.class)
class ResilienceConfiguration {

    @Bean
    Downstreams downstreams(ResilienceProperties properties, MeterRegistry meters) {
        return new Downstreams(properties, meters);
    }

    @Bean
    DownstreamGatewayFilterFactory downstreamGatewayFilterFactory(Downstreams downstreams) {
        return new DownstreamGatewayFilterFactory(downstreams);
    }
}
