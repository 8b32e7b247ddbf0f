package dev.reasoningrouter.e2e;

import static dev.reasoningrouter.e2e.E2e.gateway;
import static dev.reasoningrouter.e2e.E2e.quote;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.contracts.InferenceRequest;
import dev.reasoningrouter.contracts.InferenceResult;
import dev.reasoningrouter.e2e.E2e.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Faults on the shared stack, with the launcher an operator would use: {@code ./rr kill} (SIGKILL, a crash),
 * {@code ./rr stop}, {@code ./rr restart} and {@code ./rr kafka stop|start}. Last of the IT classes, since it kills
 * things; every service is killed or stopped and restarted once, and each restart is checked to run that service
 * (its {@code /actuator/info} names it).
 */
@Order(6)
@ExtendWith(SharedStack.class)
class FaultsIT {
    private static final String HARD = "Prove that the square root of 2 is irrational, step by step.";
    private static final String EASY = "What is 4821 + 795?";

    /** A sorting question long enough to keep the fast path busy for a while (a long answer). */
    static String longQuestion(int i) {
        Random r = new Random(i);
        StringBuilder b = new StringBuilder("Sort in ascending order: ");
        for (int k = 0; k < 12; k++) {
            b.append(k == 0 ? "" : ", ").append(r.nextInt(1000));
        }
        return b.append('.').toString();
    }

    static String longLine(String customId, int i) {
        return "{\"custom_id\":" + quote(customId) + ",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{"
                + "\"model\":\"fast\",\"max_tokens\":64,\"seed\":" + i + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + quote(longQuestion(i)) + "}]}}";
    }

    private static LauncherStack stack() {
        return SharedStack.stack();
    }

    static boolean up(String service) {
        try {
            Response r = E2e.send("GET", stack().baseUrl(service) + "/actuator/health", Map.of(), null, Duration.ofSeconds(3));
            return r.status() == 200 && r.body().contains("\"status\":\"UP\"");
        } catch (AssertionError e) {
            return false;
        }
    }

    /** {@code ./rr restart SERVICE}, then checks the process on the service's port is that service. */
    static void restart(String service) {
        long t0 = System.nanoTime();
        stack().rr("restart", service);
        Figures.put("faults.restart." + service + ".seconds", (System.nanoTime() - t0) / 1e9);
        Response info = E2e.get(stack().baseUrl(service) + "/actuator/info");
        assertThat(info.status()).isEqualTo(200);
        assertThat(info.json().path("service").asString()).as("the process ./rr restart started on " + service + "'s port")
                .isEqualTo(service);
    }

    static String autoChat(String text, double threshold) {
        return "{\"model\":\"auto\",\"max_tokens\":6,\"messages\":[{\"role\":\"user\",\"content\":" + quote(text) + "}],"
                + "\"rr\":{\"threshold\":" + threshold + ",\"escalate\":false,\"verify\":false}}";
    }

    /** The gateway's circuit breaker state gauge for a downstream (1 for the current state). */
    static String circuitState(String downstream) {
        String metrics = E2e.get(stack().baseUrl("gateway") + "/actuator/prometheus").body();
        Matcher m = Pattern.compile("resilience4j_circuitbreaker_state\\{[^}]*name=\"" + Pattern.quote(downstream)
                + "\"[^}]*state=\"([a-z_]+)\"[^}]*} 1\\.0").matcher(metrics);
        return m.find() ? m.group(1) : "unknown";
    }

    @AfterAll
    static void everyServiceIsHealthyAtTheEnd() {
        for (String s : LauncherStack.SERVICES) {
            E2e.awaitHealthy(stack(), s, Duration.ofSeconds(60));
        }
    }

    @Test
    @Order(1)
    void withTheClassifierKilledTheGatewayRoutesByItsHeuristicAndARestartBringsItBack() {
        stack().rr("kill", "classifier");
        assertThat(up("classifier")).isFalse();
        Response r = gateway("POST", "/v1/chat/completions", autoChat(EASY, 0.5));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("X-RR-Route-Source")).isEqualTo("heuristic");
        assertThat(r.json().path("rr").path("routing_note").asString()).isNotBlank();
        restart("classifier");
        // the classifier's circuit may be open from the failed calls: it closes after its wait
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String source = null;
        while (System.nanoTime() < deadline) {
            Response again = gateway("POST", "/v1/chat/completions", autoChat(EASY, 0.5));
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            source = again.header("X-RR-Route-Source");
            if ("classifier".equals(source)) {
                break;
            }
            E2e.sleep(1000);
        }
        assertThat(source).isEqualTo("classifier");
    }

    @Test
    @Order(2)
    void aFastPathKilledMidBatchAndRestartedStillGivesExactlyOneResultPerRequest() {
        int size = 120;
        StringBuilder jsonl = new StringBuilder();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < size; i++) {
            ids.add("crash-" + i);
            jsonl.append(longLine("crash-" + i, i)).append('\n');
        }
        String batchId = Batches.create(Batches.upload(jsonl.toString())).path("id").asString();
        long t0 = System.nanoTime();
        int completedAtKill = awaitProgress(batchId, 1, Duration.ofMinutes(2));
        stack().rr("kill", "fast-path");
        assertThat(up("fast-path")).isFalse();
        assertThat(completedAtKill).as("the kill came in the middle of the batch").isLessThan(size);
        restart("fast-path");
        JsonNode done = Batches.awaitDone(batchId, Duration.ofMinutes(4));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(done.path("status").asString()).isEqualTo("completed");
        assertThat(done.path("request_counts").path("completed").asInt()).isEqualTo(size);
        Map<String, JsonNode> out = Batches.byCustomId(Batches.content(done.path("output_file_id").asString()));
        assertThat(out.keySet()).containsExactlyElementsOf(ids);
        out.values().forEach(l -> assertThat(l.path("response").path("status_code").asInt()).as(l.toString()).isEqualTo(200));
        // on the results topic itself (read committed): one record per request, none lost, none twice
        Map<String, List<InferenceResult>> results = Batches.results(batchId, size, Duration.ofSeconds(60), Duration.ofSeconds(2));
        assertThat(results).hasSize(size);
        results.forEach((k, v) -> assertThat(v).as(k).hasSize(1));
        System.out.printf("[e2e] fast path killed after %d of %d results; batch completed %.1f s after it started%n",
                completedAtKill, size, seconds);
        Figures.put("faults.fast-path-kill.completed-at-kill", completedAtKill);
        Figures.put("faults.fast-path-kill.batch-lines", size);
        Figures.put("faults.fast-path-kill.batch-seconds", seconds);
    }

    @Test
    @Order(3)
    void withTheReasoningPathDownAutoIsAnsweredDegradedAndTheCircuitClosesWhenItIsBack() {
        stack().rr("stop", "reasoning-path");
        assertThat(up("reasoning-path")).isFalse();
        for (int i = 0; i < 6; i++) {
            Response r = gateway("POST", "/v1/chat/completions", autoChat(HARD, 0.0));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.header("X-RR-Degraded")).isEqualTo("true");
            assertThat(r.header("X-RR-Route")).isEqualTo("fast");
            JsonNode rr = r.json().path("rr");
            assertThat(rr.path("planned_route").asString()).isEqualTo("reasoning");
            assertThat(rr.path("degraded").asBoolean()).isTrue();
            assertThat(rr.path("degraded_reason").asString()).isNotBlank();
            assertThat(r.json().path("choices").get(0).path("message").path("content").asString()).isNotBlank();
        }
        assertThat(circuitState("reasoning-path")).isEqualTo("open");
        restart("reasoning-path");
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofSeconds(90).toNanos();
        Response r = null;
        while (System.nanoTime() < deadline) {
            r = gateway("POST", "/v1/chat/completions", autoChat(HARD, 0.0));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            if ("false".equals(r.header("X-RR-Degraded")) && "closed".equals(circuitState("reasoning-path"))) {
                break;
            }
            E2e.sleep(1000);
        }
        assertThat(r.header("X-RR-Degraded")).isEqualTo("false");
        assertThat(r.header("X-RR-Route")).isEqualTo("reasoning");
        assertThat(circuitState("reasoning-path")).isEqualTo("closed");
        Figures.put("faults.reasoning-back.seconds-to-closed-circuit", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    @Order(4)
    void aGatewayRestartedMidBatchKeepsTheBatchAndItsOutput() {
        int size = 100;
        StringBuilder jsonl = new StringBuilder();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < size; i++) {
            ids.add("gw-" + i);
            jsonl.append(longLine("gw-" + i, 1000 + i)).append('\n');
        }
        String input = jsonl.toString();
        String fileId = Batches.upload(input);
        JsonNode created = Batches.create(fileId);
        String batchId = created.path("id").asString();
        int completedAtRestart = awaitProgress(batchId, 1, Duration.ofMinutes(2));
        restart("gateway");
        JsonNode done = Batches.awaitDone(batchId, Duration.ofMinutes(4));
        assertThat(completedAtRestart).as("the restart came in the middle of the batch").isLessThan(size);
        assertThat(done.path("status").asString()).isEqualTo("completed");
        assertThat(done.path("created_at").asLong()).isEqualTo(created.path("created_at").asLong());
        assertThat(done.path("input_file_id").asString()).isEqualTo(fileId);
        assertThat(done.path("request_counts").path("completed").asInt()).isEqualTo(size);
        Map<String, JsonNode> out = Batches.byCustomId(Batches.content(done.path("output_file_id").asString()));
        assertThat(out.keySet()).containsExactlyElementsOf(ids);
        Response file = gateway("GET", "/v1/files/" + fileId + "/content", null);
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.body()).isEqualTo(input);
        Figures.put("faults.gateway-restart.completed-at-restart", completedAtRestart);
    }

    @Test
    @Order(5)
    void afterABrokerRestartTheServicesReconnectByThemselves() throws Exception {
        stack().rr("kafka", "stop");
        long t0 = System.nanoTime();
        // chat needs no broker
        Response chat = gateway("POST", "/v1/chat/completions",
                "{\"model\":\"fast\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":" + quote(EASY) + "}]}");
        assertThat(chat.status()).as(chat.body()).isEqualTo(200);
        stack().rr("kafka", "start");
        for (String s : LauncherStack.SERVICES) {
            E2e.awaitHealthy(stack(), s, Duration.ofSeconds(60));
        }
        // a batch through the gateway and requests straight on Kafka, both answered once each
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            jsonl.append(Batches.line("after-" + i, i, false, 4)).append('\n');
        }
        JsonNode done = null;
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String fileId = null;
        while (fileId == null && System.nanoTime() < deadline) {
            Response up = Batches.uploadRaw(jsonl.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), "batch", "b.jsonl");
            if (up.status() == 200) {
                fileId = up.json().path("id").asString();
            } else {
                assertThat(up.status()).as(up.body()).isEqualTo(503); // still reconnecting: unavailable, never a 500
                E2e.sleep(2000);
            }
        }
        assertThat(fileId).as("an upload accepted after the broker came back").isNotNull();
        done = Batches.awaitDone(Batches.create(fileId).path("id").asString(), Duration.ofMinutes(3));
        assertThat(done.path("status").asString()).isEqualTo("completed");
        assertThat(done.path("request_counts").path("completed").asInt()).isEqualTo(20);
        String kafkaBatch = "after-broker-" + UUID.randomUUID();
        List<InferenceRequest> requests = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            requests.add(Batches.request(kafkaBatch, "k-" + i, i, false, 4));
        }
        Batches.produce(requests);
        Map<String, List<InferenceResult>> results = Batches.results(kafkaBatch, 20, Duration.ofMinutes(2), Duration.ofSeconds(2));
        assertThat(results).hasSize(20);
        results.forEach((k, v) -> assertThat(v).as(k).hasSize(1));
        Figures.put("faults.broker-restart.seconds-to-work-again", (System.nanoTime() - t0) / 1e9);
    }

    /** Polls the batch until at least {@code min} requests are done; returns how many were. */
    static int awaitProgress(String batchId, int min, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode b = Batches.get(batchId);
            int done = b.path("request_counts").path("completed").asInt() + b.path("request_counts").path("failed").asInt();
            if (done >= min) {
                return done;
            }
            E2e.sleep(100);
        }
        throw new AssertionError("batch " + batchId + " made no progress within " + within);
    }
}
