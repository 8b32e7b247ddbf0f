package dev.reasoningrouter.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.WebHandler;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * One keep-alive connection, as the JDK's HttpClient and the OpenAI SDKs use it: an answer that ends asynchronously
 * (as a proxied chat or a batch lookup does) followed at once by one that ends synchronously (a 405, a 401), over and
 * over. On Reactor Netty 1.3.6 without {@link KeepAliveReads}, about one pair in twenty leaves the
 * connection deaf and the next request waits forever (reactor/reactor-netty#4361); with it every request is
 * answered. Real server (Reactor Netty on a free port), real client.
 */
class KeepAliveConnectionTest {
    private static final int PAIRS = 300;

    private DisposableServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow();
        }
    }

    @Test
    void aKeepAliveConnectionAnswersEveryRequestWhenAsyncAndImmediateAnswersAlternate() throws Exception {
        start(true);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + server.port();
        for (int i = 0; i < PAIRS; i++) {
            for (String path : new String[] {"/async", "/immediate"}) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).GET().build();
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("pair %d, %s", i, path).isEqualTo(path.equals("/async") ? 200 : 405);
            }
        }
    }

    private void start(boolean keepAliveReads) {
        WebHandler handler = exchange -> {
            ServerHttpResponse response = exchange.getResponse();
            if (exchange.getRequest().getPath().value().equals("/async")) {
                return Mono.delay(Duration.ofMillis(1)).then(Mono.defer(() -> write(response, HttpStatus.OK, "later")));
            }
            return write(response, HttpStatus.METHOD_NOT_ALLOWED, "now");
        };
        var httpHandler = WebHttpHandlerBuilder.webHandler(handler).build();
        HttpServer http = HttpServer.create().host("127.0.0.1").port(0);
        if (keepAliveReads) {
            http = KeepAliveReads.install(http);
        }
        server = http.handle(new ReactorHttpHandlerAdapter(httpHandler)).bindNow();
    }

    private static Mono<Void> write(ServerHttpResponse response, HttpStatus status, String text) {
        response.setStatusCode(status);
        DataBuffer body = response.bufferFactory().wrap(text.getBytes(StandardCharsets.UTF_8));
        return response.writeWith(Mono.just(body));
    }
}
