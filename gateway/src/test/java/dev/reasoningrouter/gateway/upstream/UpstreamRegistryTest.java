package dev.reasoningrouter.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reasoningrouter.gateway.metrics.GatewayMetrics;
import dev.reasoningrouter.gateway.resilience.Downstreams;
import dev.reasoningrouter.gateway.resilience.ResilienceProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class UpstreamRegistryTest {
    private static final UpstreamProperties.UpstreamSettings PATH =
            new UpstreamProperties.UpstreamSettings("http://127.0.0.1:8082/v1/", "path", "fast", null, null);
    private static final UpstreamProperties.UpstreamSettings LLAMA =
            new UpstreamProperties.UpstreamSettings("http://127.0.0.1:8085/v1", "openai", "qwen2.5-7b", "sk-llama-0000", "llama.cpp");

    private static UpstreamRegistry registry(Map<String, UpstreamProperties.UpstreamSettings> ups, String fast, String reasoning,
                                             String fallback) {
        return new UpstreamRegistry(new UpstreamProperties(ups, Map.of(
                "fast", new UpstreamProperties.RouteSettings(fast, "", null),
                "reasoning", new UpstreamProperties.RouteSettings(reasoning, fallback, null))));
    }

    @Test
    void anyRouteMayPointAtAnOpenAiCompatibleUpstream() {
        UpstreamRegistry r = registry(Map.of("fast-path", PATH, "llama", LLAMA), "llama", "fast-path", "fast");
        assertThat(r.route("fast").upstream().name()).isEqualTo("llama");
        assertThat(r.route("fast").upstream().kind()).isEqualTo(Upstream.Kind.OPENAI);
        assertThat(r.route("fast").upstream().chatCompletions()).hasToString("http://127.0.0.1:8085/v1/chat/completions");
        assertThat(r.route("reasoning").upstream().chatCompletions()).hasToString("http://127.0.0.1:8082/v1/chat/completions");
        assertThat(r.route("reasoning").fallback()).isEqualTo("fast");
        assertThat(r.upstream("llama").toString()).doesNotContain("sk-llama").contains("key set");
    }

    @Test
    void mistakesInConfigurationNameTheKey() {
        assertThatThrownBy(() -> registry(Map.of("fast-path", PATH), "nope", "fast-path", "")).hasMessageContaining("rr.routes.fast.upstream");
        assertThatThrownBy(() -> registry(Map.of("fast-path", PATH), "fast-path", "fast-path", "reasoning"))
                .hasMessageContaining("rr.routes.reasoning.fallback");
        assertThatThrownBy(() -> registry(Map.of("fast-path", PATH, "x",
                new UpstreamProperties.UpstreamSettings("ftp://h/v1", null, "m", null, null)), "fast-path", "fast-path", ""))
                .hasMessageContaining("rr.upstreams.x.base-url");
        assertThatThrownBy(() -> registry(Map.of("fast-path", PATH, "x",
                new UpstreamProperties.UpstreamSettings("http://h/v1", "grpc", "m", null, null)), "fast-path", "fast-path", ""))
                .hasMessageContaining("rr.upstreams.x.kind");
        assertThatThrownBy(() -> registry(Map.of("fast-path", PATH, "auto", LLAMA), "fast-path", "fast-path", ""))
                .hasMessageContaining("auto");
    }

    @Test
    void eachUpstreamIsSentItsOwnModelNameAndOnlyTheExtensionItUnderstands() {
        UpstreamRegistry r = registry(Map.of("fast-path", PATH, "llama", LLAMA), "fast-path", "fast-path", "");
        JsonMapper json = JsonMapper.builder().build();
        ChatForwarder forwarder = new ChatForwarder(r, null, new Downstreams(new ResilienceProperties(null, null), new SimpleMeterRegistry()),
                new GatewayMetrics(new SimpleMeterRegistry()), json);
        var body = (tools.jackson.databind.node.ObjectNode) json.readTree(
                "{\"model\":\"auto\",\"messages\":[],\"rr\":{\"threshold\":0.4,\"escalate\":false,\"samples\":3}}");
        assertThat(new String(forwarder.bodyFor(body, r.upstream("fast-path"))))
                .isEqualTo("{\"model\":\"fast\",\"messages\":[],\"rr\":{\"samples\":3}}");
        assertThat(new String(forwarder.bodyFor(body, r.upstream("llama")))).isEqualTo("{\"model\":\"qwen2.5-7b\",\"messages\":[]}");
        assertThat(body.toString()).contains("\"model\":\"auto\"").contains("threshold"); // the client's body is untouched
    }
}
