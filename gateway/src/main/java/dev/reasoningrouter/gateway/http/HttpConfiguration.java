package dev.reasoningrouter.gateway.http;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class HttpConfiguration {

    /** Picked up by Spring Boot's Netty server factory (every NettyServerCustomizer bean is applied). */
    @Bean
    NettyServerCustomizer keepAliveReads() {
        return KeepAliveReads::install;
    }
}
