package dev.reasoningrouter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.contracts.InferenceRequest;
import dev.reasoningrouter.contracts.InferenceResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Batches over the real pipeline of the shared stack: {@code rr.batch.size} (200) requests through OpenAI's Batch API
 * on the gateway and as many straight onto {@code rr.requests}, each answered exactly once, joined by
 * {@code custom_id}. Most requests force the fast route ({@code model: fast}, never escalated); every tenth is
 * {@code auto} at threshold 1, which the classifier stage routes fast and the fast path, whose floor is 1 on this
 * stack, escalates to the reasoning path: those, and only those, are answered by the reasoning path.
 */
@Order(3)
@ExtendWith(SharedStack.class)
class BatchIT {
    static final int SIZE = Integer.getInteger("rr.e2e.batch-size", 200);
    static final int MAX_TOKENS = 4;

    static boolean escalating(int i) {
        return i % 10 == 9;
    }

    @Test
    @Order(1)
    void aBatchThroughTheGatewayGetsExactlyOneResultPerLine() {
        long t0 = System.nanoTime();
        StringBuilder jsonl = new StringBuilder();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < SIZE; i++) {
            String id = "line-" + i;
            ids.add(id);
            jsonl.append(Batches.line(id, i, escalating(i), MAX_TOKENS)).append('\n');
        }
        String fileId = Batches.upload(jsonl.toString());
        JsonNode created = Batches.create(fileId);
        assertThat(created.path("request_counts").path("total").asInt()).isEqualTo(SIZE);
        JsonNode done = Batches.awaitDone(created.path("id").asString(), Duration.ofMinutes(4));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
        assertThat(done.path("request_counts").path("completed").asInt()).isEqualTo(SIZE);
        assertThat(done.path("request_counts").path("failed").asInt()).isZero();
        assertThat(done.path("error_file_id").isNull()).as(done.toString()).isTrue();

        List<JsonNode> lines = Batches.content(done.path("output_file_id").asString());
        Map<String, JsonNode> out = Batches.byCustomId(lines);
        assertThat(out.keySet()).containsExactlyElementsOf(ids); // all there, once each, in input order
        int escalated = 0;
        for (int i = 0; i < SIZE; i++) {
            JsonNode line = out.get("line-" + i);
            JsonNode response = line.path("response");
            assertThat(response.path("status_code").asInt()).as(line.toString()).isEqualTo(200);
            assertThat(line.path("error").isNull()).as(line.toString()).isTrue();
            JsonNode body = response.path("body");
            assertThat(body.path("object").asString()).isEqualTo("chat.completion");
            assertThat(body.path("usage").path("completion_tokens").asInt()).as(line.toString()).isBetween(0, MAX_TOKENS * 8);
            String path = body.path("rr").path("path").asString();
            assertThat(path).as(line.toString()).isEqualTo(escalating(i) ? "reasoning" : "fast");
            if (escalating(i)) {
                escalated++;
            }
        }
        System.out.printf("[e2e] gateway batch: %d lines, %d escalated, completed in %.1f s%n", SIZE, escalated, seconds);
        Figures.put("batch.gateway.lines", SIZE);
        Figures.put("batch.gateway.escalated", escalated);
        Figures.put("batch.gateway.seconds", seconds);
    }

    @Test
    @Order(2)
    void requestsProducedOnTheRequestsTopicGetExactlyOneResultEach() throws Exception {
        long t0 = System.nanoTime();
        String batchId = "kafka-" + UUID.randomUUID();
        List<InferenceRequest> requests = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            requests.add(Batches.request(batchId, "k-" + i, i, escalating(i), MAX_TOKENS));
        }
        Batches.produce(requests);
        Map<String, List<InferenceResult>> results = Batches.results(batchId, SIZE, Duration.ofMinutes(4), Duration.ofSeconds(3));
        double seconds = (System.nanoTime() - t0) / 1e9;
        Set<String> expected = new LinkedHashSet<>();
        requests.forEach(r -> expected.add(r.resultKey()));
        assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        int escalated = 0;
        for (int i = 0; i < SIZE; i++) {
            InferenceRequest request = requests.get(i);
            List<InferenceResult> rs = results.get(request.resultKey());
            assertThat(rs).as("results for " + request.resultKey()).hasSize(1);
            InferenceResult r = rs.getFirst();
            assertThat(r.requestId()).isEqualTo(request.requestId());
            assertThat(r.customId()).isEqualTo(request.customId());
            assertThat(r.statusCode()).as(String.valueOf(r.body())).isEqualTo(200);
            assertThat(r.isError()).isFalse();
            assertThat(r.content()).isNotNull();
            if (escalating(i)) {
                assertThat(r.path()).isEqualTo("reasoning");
                assertThat(r.escalatedFrom()).isEqualTo("fast");
                escalated++;
            } else {
                assertThat(r.path()).isEqualTo("fast");
                assertThat(r.escalatedFrom()).isNull();
            }
        }
        System.out.printf("[e2e] Kafka batch: %d requests, %d escalated, all results in %.1f s%n", SIZE, escalated, seconds);
        Figures.put("batch.kafka.requests", SIZE);
        Figures.put("batch.kafka.escalated", escalated);
        Figures.put("batch.kafka.seconds", seconds);
    }
}
