package dev.reasoningrouter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.contracts.ChatMessage;
import dev.reasoningrouter.contracts.InferenceRequest;
import dev.reasoningrouter.contracts.InferenceResult;
import dev.reasoningrouter.contracts.Topics;
import dev.reasoningrouter.contracts.WireCodec;
import dev.reasoningrouter.e2e.E2e.Response;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import tools.jackson.databind.JsonNode;

/**
 * Batches as the suite sends them: OpenAI's Batch API through the gateway ({@code /v1/files}, {@code /v1/batches}) and
 * {@link InferenceRequest} records straight onto {@code rr.requests}, with their results read back and joined by
 * {@code custom_id}.
 */
final class Batches {
    static final WireCodec CODEC = new WireCodec();
    private static final List<String> STATES_DONE = List.of("completed", "failed", "expired", "cancelled");

    private Batches() {}

    /** A question of the kind the shipped model was trained on, different for each {@code i}. */
    static String question(int i) {
        Random r = new Random(i * 7919L + 17);
        return switch (i % 3) {
            case 0 -> "What is " + (100 + r.nextInt(9000)) + " + " + (10 + r.nextInt(900)) + "?";
            case 1 -> "What is " + (100 + r.nextInt(900)) + " - " + (10 + r.nextInt(90)) + "?";
            default -> "Sort in ascending order: " + r.nextInt(100) + ", " + r.nextInt(100) + ", " + r.nextInt(100) + ".";
        };
    }

    /** One batch input line; {@code escalating} lines are {@code auto} at threshold 1 (the classifier routes them fast). */
    static String line(String customId, int i, boolean escalating, int maxTokens) {
        String rr = escalating ? ",\"rr\":{\"threshold\":1,\"verify\":false}" : "";
        return "{\"custom_id\":" + E2e.quote(customId) + ",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{"
                + "\"model\":\"" + (escalating ? "auto" : "fast") + "\",\"max_tokens\":" + maxTokens + ",\"seed\":" + i
                + ",\"messages\":[{\"role\":\"user\",\"content\":" + E2e.quote(question(i)) + "}]" + rr + "}}";
    }

    /** {@code POST /v1/files} (multipart, purpose batch); returns the file id. */
    static String upload(String jsonl) {
        Response r = uploadRaw(jsonl.getBytes(StandardCharsets.UTF_8), "batch", "batch.jsonl");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("id").asString();
    }

    static Response uploadRaw(byte[] file, String purpose, String filename) {
        String boundary = "e2e" + UUID.randomUUID().toString().replace("-", "");
        return E2e.send("POST", SharedStack.stack().baseUrl("gateway") + "/v1/files",
                Map.of("Authorization", "Bearer " + SharedStack.stack().apiKey(),
                        "Content-Type", "multipart/form-data; boundary=" + boundary),
                multipart(boundary, purpose, filename, file), Duration.ofSeconds(60));
    }

    static byte[] multipart(String boundary, String purpose, String filename, byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (purpose != null) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n" + purpose + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        if (file != null) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                    + "\"\r\nContent-Type: application/jsonl\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(file);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** {@code POST /v1/batches} on an uploaded file; returns the batch object. */
    static JsonNode create(String fileId) {
        Response r = E2e.gateway("POST", "/v1/batches", "{\"input_file_id\":" + E2e.quote(fileId)
                + ",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** {@code GET /v1/batches/{id}}. */
    static JsonNode get(String id) {
        Response r = E2e.gateway("GET", "/v1/batches/" + id, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** Polls the batch until it is in a final state; returns it. */
    static JsonNode awaitDone(String id, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode b = null;
        while (System.nanoTime() < deadline) {
            Response r = E2e.gateway("GET", "/v1/batches/" + id, null);
            if (r.status() == 200) {
                b = r.json();
                if (STATES_DONE.contains(b.path("status").asString())) {
                    return b;
                }
            } else {
                assertThat(r.status()).as("while polling: " + r.body()).isEqualTo(503); // batches_unavailable while catching up
            }
            E2e.sleep(1000);
        }
        throw new AssertionError("batch " + id + " not done within " + within + ": " + b);
    }

    /** A file's lines ({@code GET /v1/files/{id}/content}). */
    static List<JsonNode> content(String fileId) {
        Response r = E2e.gateway("GET", "/v1/files/" + fileId + "/content", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> lines = new ArrayList<>();
        for (String l : r.body().split("\n")) {
            if (!l.isBlank()) {
                lines.add(E2e.JSON.readTree(l));
            }
        }
        return lines;
    }

    /** The output lines by {@code custom_id}; fails on a {@code custom_id} seen twice. */
    static Map<String, JsonNode> byCustomId(List<JsonNode> lines) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode l : lines) {
            String id = l.path("custom_id").asString();
            assertThat(out.put(id, l)).as("custom_id " + id + " more than once").isNull();
        }
        return out;
    }

    /** Requests for {@code rr.requests}: forced fast, or {@code escalating} (auto at threshold 1, no verification). */
    static InferenceRequest request(String batchId, String customId, int i, boolean escalating, int maxTokens) {
        Map<String, String> metadata = escalating
                ? Map.of(InferenceRequest.METADATA_THRESHOLD, "1", "rr_verify", "false")
                : Map.of(InferenceRequest.METADATA_ROUTE, "fast");
        return new InferenceRequest(batchId + "-" + customId, batchId, customId, "rr-auto",
                List.of(new ChatMessage("user", question(i))), maxTokens, 0.0, null, (long) i, metadata, System.currentTimeMillis());
    }

    static void produce(List<InferenceRequest> requests) throws Exception {
        try (var producer = E2e.producer(SharedStack.stack().bootstrap())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (InferenceRequest r : requests) {
                sent.add(producer.send(new ProducerRecord<>(Topics.REQUESTS, r.requestId(), CODEC.encode(r))));
            }
            for (var f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Reads {@code rr.results} (read committed, from the beginning) until every expected key has a result, then
     * {@code settle} longer to see any duplicate; returns every record per key.
     */
    static Map<String, List<InferenceResult>> results(String batchId, int expected, Duration within, Duration settle) {
        Map<String, List<InferenceResult>> byKey = new LinkedHashMap<>();
        String prefix = batchId + "/";
        try (var consumer = E2e.consumer(SharedStack.stack().bootstrap(), "e2e-results-" + UUID.randomUUID())) {
            consumer.subscribe(List.of(Topics.RESULTS));
            long deadline = System.nanoTime() + within.toNanos();
            long settleUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settleUntil)) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() != null && record.key().startsWith(prefix)) {
                        byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(CODEC.decode(record.value(), InferenceResult.class));
                    }
                }
                if (byKey.size() >= expected && settleUntil == Long.MAX_VALUE) {
                    settleUntil = System.nanoTime() + settle.toNanos();
                }
            }
        }
        return byKey;
    }
}
