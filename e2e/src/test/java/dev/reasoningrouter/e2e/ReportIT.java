package dev.reasoningrouter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./rr report} end to end on the shared stack (the shipped trained model): one held-out question per kind and
 * level sent through the real gateway on every route, and the report's files. Before the faults, which restart things.
 */
@Order(5)
@ExtendWith(SharedStack.class)
class ReportIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void theReportSendsEveryQueryOnEveryRouteAndWritesItsFiles() throws Exception {
        LauncherStack stack = SharedStack.stack();
        Path out = stack.runDir().resolve("report");
        String printed = stack.rr("report", "--per-cell", "1", "--concurrency", "4", "--out", out.toString());
        assertThat(printed).contains("report: wrote");
        for (String f : List.of("report.md", "report.json", "items.jsonl", "cost-accuracy.svg", "accuracy-by-level.svg", "latency.svg")) {
            assertThat(out.resolve(f)).as(f).isNotEmptyFile();
        }
        JsonNode report = JSON.readTree(Files.readString(out.resolve("report.json")));
        Map<String, JsonNode> routes = new HashMap<>();
        report.get("routes").forEach(r -> routes.put(r.get("route").asString(), r));
        assertThat(routes).containsOnlyKeys("auto", "fast", "reasoning", "reasoning-single");
        for (JsonNode r : routes.values()) {
            String name = r.get("route").asString();
            assertThat(r.get("queries").asInt()).as(name).isEqualTo(24); // 6 kinds x 4 levels x 1
            assertThat(r.get("errors").asInt()).as(name + ": " + r).isZero();
            JsonNode accuracy = r.get("accuracy");
            assertThat(accuracy.get("rate").isNumber()).as(name).isTrue();
            assertThat(accuracy.get("rate").asDouble()).as(name).isBetween(0.0, 1.0);
            assertThat(accuracy.get("total").asInt()).as(name).isEqualTo(24);
            assertThat(r.get("byLevel").propertyNames()).as(name).containsExactly("1", "2", "3", "4");
            r.get("byLevel").forEach(l -> assertThat(l.get("total").asInt()).as(name).isEqualTo(6));
            assertThat(r.get("activeParamsPerToken").asDouble()).as(name).isPositive();
            assertThat(r.get("latencyMs").get("p50").asDouble()).as(name).isPositive();
        }
        // forced routes are answered by their path; auto's traffic adds up to the queries
        assertThat(routes.get("fast").get("answeredBy").propertyNames()).containsExactly("fast");
        assertThat(routes.get("reasoning").get("answeredBy").propertyNames()).containsExactly("reasoning");
        int autoAnswers = 0;
        for (JsonNode n : routes.get("auto").get("answeredBy")) {
            autoAnswers += n.asInt();
        }
        assertThat(autoAnswers).isEqualTo(24);
        // the verification loop runs on reasoning, and "rr":{"verify":false} reaches the reasoning path through the gateway
        assertThat(routes.get("reasoning").get("verifiedAnswers").asInt()).isEqualTo(24);
        assertThat(routes.get("reasoning").get("meanVerificationRounds").asDouble()).isGreaterThanOrEqualTo(1.0);
        assertThat(routes.get("reasoning-single").get("verifiedAnswers").asInt()).isZero();
        // fast runs fewer experts per token than reasoning
        assertThat(routes.get("fast").get("activeParamsPerToken").asDouble())
                .isLessThan(routes.get("reasoning").get("activeParamsPerToken").asDouble());
        assertThat(report.get("goals")).hasSize(3);
        report.get("goals").forEach(g -> assertThat(g.get("met").isBoolean()).as(g.toString()).isTrue());
        assertThat(Files.readAllLines(out.resolve("items.jsonl"))).hasSize(4 * 24);
        assertThat(Files.readString(out.resolve("report.md"))).contains("| `auto` |").contains("| `reasoning-single` |")
                .doesNotContain(stack.apiKey());
        Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(Files.readAllBytes(out.resolve("cost-accuracy.svg"))));
        assertThat(svg.getElementsByTagName("circle").getLength()).isEqualTo(4);
        assertThat(new String(Files.readAllBytes(out.resolve("accuracy-by-level.svg")), StandardCharsets.UTF_8)).contains("class=\"bar\"");
    }
}
