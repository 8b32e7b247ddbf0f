package dev.reasoningrouter.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The command end to end against a stand-in gateway at the edge (a JDK HTTP server that knows the held-out answers and
 * answers like the platform: fast right on levels 1–2 only, reasoning always right, one draft right except on level 4,
 * auto = fast for levels 1–2 else reasoning).
 */
class ReportCliTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String KEY = "sk-test-report-0123456789";
    private HttpServer server;
    private final Map<String, Query> byQuestion = new HashMap<>();
    private final ConcurrentLinkedQueue<JsonNode> requests = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Integer> maxInFlight = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        Query.heldOut(7, 1).forEach(q -> byQuestion.put(q.question(), q));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/v1/chat/completions", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange ex) throws IOException {
        int now = inFlight.incrementAndGet();
        try {
            if (!("Bearer " + KEY).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, "{\"error\":{\"message\":\"bad key\"}}");
                return;
            }
            JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
            requests.add(req);
            String model = req.get("model").asString();
            maxInFlight.merge(model, now, Math::max);
            Thread.sleep(5);
            Query q = byQuestion.get(req.get("messages").get(0).get("content").asString());
            boolean verify = !req.path("rr").has("verify") || req.path("rr").get("verify").asBoolean();
            String path = switch (model) {
                case "fast" -> "fast";
                case "reasoning" -> "reasoning";
                default -> q.level() <= 2 ? "fast" : "reasoning";
            };
            boolean right = path.equals("fast") ? q.level() <= 2 : verify || q.level() < 4;
            Map<String, Object> rr = new LinkedHashMap<>();
            rr.put("route", path);
            rr.put("route_source", model.equals("auto") ? "classifier" : "forced");
            rr.put("escalated", false);
            rr.put("active_params_per_token", path.equals("fast") ? 2_000_000 : 3_000_000);
            if (path.equals("reasoning") && verify) {
                rr.put("verification", Map.of("rounds", 2, "verifier", "model-critic"));
            }
            int completion = path.equals("fast") ? 5 : verify ? 200 : 100;
            Map<String, Object> body = Map.of(
                    "choices", List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", right ? q.answer() : "0"))),
                    "usage", Map.of("prompt_tokens", 20, "completion_tokens", completion, "completion_tokens_details",
                            Map.of("reasoning_tokens", completion - 5)),
                    "rr", rr);
            send(ex, 200, JSON.writeValueAsString(body));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private int run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = new ReportCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8), env)
                .run(args);
        System.out.print(out.toString(StandardCharsets.UTF_8));
        return rc;
    }

    @Test
    void writesTheReportWithEveryRouteAndTheGoals(@TempDir Path dir) throws Exception {
        Path runDir = dir.resolve("run");
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve("dev-api-key"), KEY + "\n");
        Path out = dir.resolve("report");
        int rc = run(Map.of("RR_RUN_DIR", runDir.toString(), "RR_GATEWAY_PORT", Integer.toString(server.getAddress().getPort())),
                "--per-cell", "1", "--concurrency", "3", "--warmup", "1", "--out", out.toString());
        assertThat(rc).isZero();
        for (String f : List.of("report.md", "report.json", "items.jsonl", ReportWriter.COST_ACCURACY, ReportWriter.ACCURACY_BY_LEVEL,
                ReportWriter.LATENCY)) {
            assertThat(out.resolve(f)).isNotEmptyFile();
        }
        // every request: the key, max_tokens, greedy; only reasoning-single turns verification off; 24 queries + 1 warm-up per route
        assertThat(requests).hasSize(4 * 25);
        assertThat(requests).allSatisfy(r -> {
            assertThat(r.get("max_tokens").asInt()).isEqualTo(512);
            assertThat(r.get("temperature").asDouble()).isEqualTo(0.0);
        });
        assertThat(requests.stream().filter(r -> r.has("rr")).toList()).hasSize(25)
                .allSatisfy(r -> assertThat(r.get("rr").get("verify").asBoolean()).isFalse());
        assertThat(maxInFlight.values()).allSatisfy(m -> assertThat(m).isBetween(1, 3));

        JsonNode report = JSON.readTree(Files.readString(out.resolve("report.json")));
        Map<String, JsonNode> routes = new HashMap<>();
        report.get("routes").forEach(r -> routes.put(r.get("route").asString(), r));
        assertThat(routes).containsOnlyKeys("auto", "fast", "reasoning", "reasoning-single");
        assertThat(routes.get("fast").get("accuracy").get("rate").asDouble()).isEqualTo(0.5);
        assertThat(routes.get("fast").get("byLevel").get("4").get("rate").asDouble()).isEqualTo(0.0);
        assertThat(routes.get("reasoning").get("accuracy").get("rate").asDouble()).isEqualTo(1.0);
        assertThat(routes.get("reasoning").get("meanVerificationRounds").asDouble()).isEqualTo(2.0);
        assertThat(routes.get("reasoning").get("verifiers").get("model-critic").asInt()).isEqualTo(24);
        assertThat(routes.get("reasoning-single").get("byLevel").get("4").get("rate").asDouble()).isEqualTo(0.0);
        assertThat(routes.get("reasoning-single").get("verifiedAnswers").asInt()).isZero();
        assertThat(routes.get("auto").get("share").get("fast").asDouble()).isEqualTo(0.5);
        assertThat(routes.get("auto").get("share").get("reasoning").asDouble()).isEqualTo(0.5);
        // auto: 12 fast answers at 25 tokens x 2M, 12 verified reasoning answers at 220 tokens x 3M
        assertThat(routes.get("auto").get("activeParamTokensPerAnswer").asDouble()).isEqualTo((12 * 50e6 + 12 * 660e6) / 24);
        assertThat(report.get("goals")).hasSize(3);
        assertThat(report.get("goals").get(0).get("met").asBoolean()).isTrue();  // level 4: 100 vs 0
        assertThat(report.get("goals").get(1).get("met").asBoolean()).isFalse(); // auto as accurate, but at 0.54x the cost
        assertThat(report.get("goals").get(2).get("met").asBoolean()).isTrue();  // 100 vs 75
        assertThat(Files.readAllLines(out.resolve("items.jsonl"))).hasSize(96);
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("| `auto` | fast 50 %, reasoning 50 %").contains("**not met**").contains("(cost-accuracy.svg)")
                .doesNotContain(KEY);
    }

    @Test
    void badOptionsAreRefusedWithUsage() {
        assertThat(run(Map.of(), "--per-cell", "0")).isEqualTo(2);
        assertThat(run(Map.of(), "--routes", "auto,slow")).isEqualTo(2);
        assertThat(run(Map.of(), "--frobnicate", "1")).isEqualTo(2);
        assertThat(run(Map.of(), "--concurrency")).isEqualTo(2);
    }

    @Test
    void aWrongKeyGivesARouteWithoutAnswersAndExitCode3(@TempDir Path dir) {
        int rc = run(Map.of("RR_API_KEY", "sk-wrong-key-0000000000"), "--url", "http://127.0.0.1:" + server.getAddress().getPort(),
                "--per-cell", "1", "--routes", "fast", "--warmup", "0", "--out", dir.toString());
        assertThat(rc).isEqualTo(3);
        assertThat(dir.resolve("report.json")).isNotEmptyFile();
    }

    @Test
    void theCommandLineNeverShowsTheKey() {
        assertThat(ReportCli.command(new String[] {"--key", "sk-secret", "--per-cell", "2"})).isEqualTo("./rr report --key … --per-cell 2");
    }
}
