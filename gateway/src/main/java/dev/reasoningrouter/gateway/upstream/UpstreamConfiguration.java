package dev.reasoningrouter.gateway.upstream;

import dev.reasoningrouter.gateway.metrics.GatewayMetrics;
import dev.reasoningrouter.gateway.resilience.Downstreams;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UpstreamProperties.class)
class UpstreamConfiguration {
    private static final Logger log = LoggerFactory.getLogger(UpstreamConfiguration.class);

    @Bean
    UpstreamRegistry upstreamRegistry(UpstreamProperties properties) {
        UpstreamRegistry registry = new UpstreamRegistry(properties);
        registry.routes().forEach(r -> log.info("route {} -> {}{}", r.route(), r.upstream(),
                r.fallback() == null ? "" : " (fallback: the " + r.fallback() + " route)"));
        return registry;
    }

    /**
     * The client of every downstream (classifier, paths, providers): pooled keep-alive connections, idle ones
     * dropped before a server would close them under us; no read timeout here, the guards' time limiters own that.
     */
    @Bean
    WebClient downstreamWebClient() {
        ConnectionProvider pool = ConnectionProvider.builder("rr-downstreams")
                .maxConnections(512)
                .pendingAcquireTimeout(Duration.ofSeconds(30))
                .maxIdleTime(Duration.ofSeconds(15))
                .evictInBackground(Duration.ofSeconds(15))
                .build();
        HttpClient http = HttpClient.create(pool).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000);
        return WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                .codecs(c -> c.defaultCodecs().maxInMemorySize(32 * 1024 * 1024))
                .build();
    }

    @Bean
    UpstreamClient upstreamClient(WebClient downstreamWebClient) {
        return new UpstreamClient(downstreamWebClient);
    }

    @Bean
    ChatForwarder chatForwarder(UpstreamRegistry registry, UpstreamClient client, Downstreams downstreams, GatewayMetrics metrics,
                                JsonMapper json) {
        return new ChatForwarder(registry, client, downstreams, metrics, json);
    }
}
