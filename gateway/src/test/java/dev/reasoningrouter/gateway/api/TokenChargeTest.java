package dev.reasoningrouter.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.gateway.upstream.StreamSignal;
import dev.reasoningrouter.gateway.upstream.UpstreamReply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a chat completion costs the key's tokens-per-minute budget: its usage, an estimate when it reports none, and
 * nothing when the upstream refused it. (A refused request was once charged its whole reservation, prompt estimate plus
 * {@code max_tokens}: one request with {@code max_tokens: 1e12} refused by the path locked its key out.)
 */
class TokenChargeTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static UpstreamReply reply(int status, String body) {
        return new UpstreamReply("fast-path", status, new HttpHeaders(), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSuccessfulAnswerCostsItsUsagePlusWhatAnEscalatedFastAnswerUsed() {
        String body = "{\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":5,\"total_tokens\":12}}";
        assertThat(ChatCompletionGatewayFilterFactory.charged(reply(200, body), JSON.readTree(body), 1_000, 0)).isEqualTo(12);
        assertThat(ChatCompletionGatewayFilterFactory.charged(reply(200, body), JSON.readTree(body), 1_000, 30)).isEqualTo(42);
    }

    @Test
    void aSuccessfulAnswerWithoutUsageCostsTheEstimate() {
        String body = "{\"choices\":[]}";
        assertThat(ChatCompletionGatewayFilterFactory.charged(reply(200, body), JSON.readTree(body), 1_000, 0)).isEqualTo(1_000);
    }

    @Test
    void aRefusedRequestCostsNothing() {
        String error = "{\"error\":{\"message\":\"max_tokens must be between 1 and 1024\",\"type\":\"invalid_request_error\","
                + "\"param\":\"max_tokens\",\"code\":null}}";
        for (int status : new int[] {400, 404, 413, 422, 429}) {
            assertThat(ChatCompletionGatewayFilterFactory.charged(reply(status, error), JSON.readTree(error), 1_000_000_000_000L, 0))
                    .as("HTTP " + status).isZero();
        }
    }

    @Test
    void aRefusedStreamCostsNothing() {
        List<Long> charged = new ArrayList<>();
        SseRelay.Listener listener = new SseRelay.Listener() {
            @Override
            public void head(StreamSignal.Head head, ChatAnnotations annotations) {}

            @Override
            public void tokens(long tokens) {
                charged.add(tokens);
            }

            @Override
            public void broken(String upstream, Throwable cause) {}
        };
        HttpHeaders jsonHeaders = new HttpHeaders();
        jsonHeaders.setContentType(MediaType.APPLICATION_JSON);
        new SseRelay(JSON, "fast", null, 500, listener).relay(Flux.just(new StreamSignal.Head("fast-path", 400, jsonHeaders),
                new StreamSignal.Chunk("{\"error\":{\"message\":\"no\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}"
                        .getBytes(StandardCharsets.UTF_8)))).blockLast();
        assertThat(charged).containsExactly(0L);
    }
}
