package dev.reasoningrouter.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import dev.reasoningrouter.gateway.stack.ServiceJar;
import dev.reasoningrouter.gateway.stack.StackTestBase;
import dev.reasoningrouter.gateway.stack.TestStack;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Provider interchangeability: the fast route is pointed, by configuration alone, at a second fast path service
 * standing in as a plain OpenAI-compatible upstream ({@code kind: openai}, its own key and model name). Clients do not
 * change; the upstream is listed by {@code /v1/models}, answers the fast route (JSON and streamed) and can be named
 * directly, behind its own circuit breaker and the same per-key limits.
 */
class ProviderInterchangeabilityTest extends StackTestBase {

    @DynamicPropertySource
    static void standIn(DynamicPropertyRegistry r) {
        ServiceJar standIn = TestStack.get().standIn();
        r.add("rr.upstreams.standin.base-url", () -> standIn.url() + "/v1");
        r.add("rr.upstreams.standin.kind", () -> "openai");
        r.add("rr.upstreams.standin.model", () -> "fast");
        r.add("rr.upstreams.standin.api-key", () -> "sk-standin-upstream-key");
        r.add("rr.upstreams.standin.description", () -> "a second fast path, as any OpenAI-compatible server");
        r.add("rr.routes.fast.upstream", () -> "standin");
    }

    private static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello!").maxTokens(4).seed(1).build();
    }

    /** Chat completions a service has answered, from its own metrics. */
    private static double answered(ServiceJar service) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(service.url() + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        double n = 0;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("http_server_requests_seconds_count{") && line.contains("uri=\"/v1/chat/completions\"")) {
                n += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return n;
    }

    @Test
    void theFastRouteIsAnsweredByTheConfiguredUpstreamWithoutTheClientChanging() throws Exception {
        ServiceJar standIn = TestStack.get().standIn();
        ServiceJar fastPath = TestStack.get().fast();
        double standInBefore = answered(standIn);
        double fastBefore = answered(fastPath);

        HttpResponseFor<ChatCompletion> raw = client(KEY).chat().completions().withRawResponse().create(chat("fast"));
        @SuppressWarnings("unchecked")
        Map<String, Object> rr = raw.parse()._additionalProperties().get("rr").convert(Map.class);
        assertThat(raw.headers().values("X-RR-Upstream")).containsExactly("standin");
        assertThat(rr).containsEntry("route", "fast").containsEntry("upstream", "standin").containsEntry("route_source", "forced");

        try (StreamResponse<ChatCompletionChunk> stream = client(KEY).chat().completions().createStreaming(chat("fast"))) {
            List<ChatCompletionChunk> chunks = stream.stream().toList();
            assertThat(chunks).isNotEmpty();
            assertThat(chunks.getFirst()._additionalProperties().get("rr").toString()).contains("standin");
        }

        ChatCompletion direct = client(KEY).chat().completions().create(chat("standin"));
        @SuppressWarnings("unchecked")
        Map<String, Object> d = direct._additionalProperties().get("rr").convert(Map.class);
        assertThat(d).containsEntry("route", "standin").containsEntry("route_source", "direct");

        long deadline = System.nanoTime() + 5_000_000_000L; // a stream is counted when the service has finished it
        while (answered(standIn) - standInBefore < 3 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(answered(standIn) - standInBefore).as("chat completions the stand-in answered").isEqualTo(3);
        assertThat(answered(fastPath) - fastBefore).as("the built-in fast path was not asked").isZero();
    }

    @Test
    void theUpstreamIsListedAndCoveredByTheSameBreakersAndLimits() throws Exception {
        List<Model> models = client(KEY).models().list().data();
        Model standIn = models.stream().filter(m -> m.id().equals("standin")).findFirst().orElseThrow();
        assertThat(standIn._additionalProperties().get("description").toString()).contains("OpenAI-compatible");
        assertThat(standIn._additionalProperties().get("rr").toString()).contains("openai").contains("fast");

        client(KEY).chat().completions().create(chat("fast"));
        assertThat(metric("resilience4j_circuitbreaker_state{application=\"gateway\",group=\"none\",name=\"standin\",state=\"closed\"}"))
                .endsWith(" 1.0");
        var tight = client(TIGHT_KEY);
        tight.chat().completions().create(chat("standin"));
        tight.chat().completions().create(chat("standin"));
        assertThat(catchThrowableOfType(RateLimitException.class, () -> tight.chat().completions().create(chat("standin"))).statusCode())
                .isEqualTo(429);
    }
}
