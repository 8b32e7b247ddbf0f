package dev.reasoningrouter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.contracts.DeadLetter;
import dev.reasoningrouter.contracts.InferenceResult;
import dev.reasoningrouter.contracts.Topics;
import dev.reasoningrouter.e2e.E2e.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Malformed input against every public face of the shared stack, table-driven: the gateway's endpoints (chat,
 * models, classify, files, batches, unknown routes), the path services' and the classifier's own HTTP APIs, and
 * records on every input topic ({@code rr.requests}, {@code rr.jobs.fast}, {@code rr.jobs.reasoning}). Each case
 * names the documented outcome: an HTTP 4xx in OpenAI's error shape, a dead letter on {@code rr.dlq} with its reason,
 * or (a well-formed job the path refuses) an error result on {@code rr.results} with the 4xx the HTTP API would give;
 * never a 5xx. Afterwards every service is still healthy. Counts per endpoint/topic and outcome go to
 * {@code e2e/target/bad-input-counts.txt}.
 */
@Order(4)
@ExtendWith(SharedStack.class)
class BadInputIT {
    /** endpoint or topic → outcome → count. */
    private static final Map<String, Map<String, Integer>> COUNTS = new TreeMap<>();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    record HttpCase(String endpoint, String name, String service, String method, String path, Map<String, String> headers,
                    byte[] body, Set<Integer> expected, String code) {
        @Override
        public String toString() {
            return endpoint + " " + name;
        }
    }

    record KafkaCase(String topic, String name, String key, byte[] value, String expected) {}

    private static final String OK_MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"What is 2 + 2?\"}]";

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes that are not UTF-8 inside an otherwise well-formed JSON body. */
    static byte[] notUtf8(String before, String after) {
        byte[] a = utf8(before);
        byte[] b = utf8(after);
        byte[] out = new byte[a.length + 3 + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        out[a.length] = (byte) 0xC3;
        out[a.length + 1] = (byte) 0x28; // an invalid two-byte sequence
        out[a.length + 2] = (byte) 0xFF;
        System.arraycopy(b, 0, out, a.length + 3, b.length);
        return out;
    }

    static byte[] huge(int bytes) {
        String filler = "x".repeat(bytes);
        return utf8("{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"" + filler + "\"}]}");
    }

    /** Chat bodies every chat API refuses with 400 whatever the model; {@code %s} is where the model goes. */
    static Map<String, String> badChatBodies(String model) {
        String m = model == null ? "" : "\"model\":\"" + model + "\",";
        Map<String, String> b = new LinkedHashMap<>();
        b.put("truncated JSON", "{" + m + "\"messages\":[");
        b.put("not JSON", "hello");
        b.put("JSON array", "[]");
        b.put("JSON string", "\"hi\"");
        b.put("JSON null", "null");
        b.put("JSON number", "42");
        b.put("trailing garbage", "{" + m + OK_MESSAGES + "}}}");
        b.put("missing messages", "{" + m + "\"max_tokens\":4}");
        b.put("messages null", "{" + m + "\"messages\":null}");
        b.put("messages a string", "{" + m + "\"messages\":\"hi\"}");
        b.put("messages an object", "{" + m + "\"messages\":{\"role\":\"user\"}}");
        b.put("messages empty", "{" + m + "\"messages\":[]}");
        b.put("message a number", "{" + m + "\"messages\":[1]}");
        b.put("message without role", "{" + m + "\"messages\":[{\"content\":\"hi\"}]}");
        b.put("role a number", "{" + m + "\"messages\":[{\"role\":5,\"content\":\"hi\"}]}");
        b.put("stream a string", "{" + m + OK_MESSAGES + ",\"stream\":\"yes\"}");
        b.put("max_tokens 1e12", "{" + m + OK_MESSAGES + ",\"max_tokens\":1e12}");
        b.put("max_tokens 1000000000000", "{" + m + OK_MESSAGES + ",\"max_tokens\":1000000000000}");
        b.put("max_tokens -5", "{" + m + OK_MESSAGES + ",\"max_tokens\":-5}");
        b.put("max_tokens 0", "{" + m + OK_MESSAGES + ",\"max_tokens\":0}");
        b.put("max_tokens a string", "{" + m + OK_MESSAGES + ",\"max_tokens\":\"ten\"}");
        b.put("max_tokens 1.5", "{" + m + OK_MESSAGES + ",\"max_tokens\":1.5}");
        b.put("max_tokens 1e308", "{" + m + OK_MESSAGES + ",\"max_tokens\":1e308}");
        b.put("max_completion_tokens -1", "{" + m + OK_MESSAGES + ",\"max_completion_tokens\":-1}");
        b.put("temperature -1", "{" + m + OK_MESSAGES + ",\"max_tokens\":4,\"temperature\":-1}");
        b.put("temperature 1e9", "{" + m + OK_MESSAGES + ",\"max_tokens\":4,\"temperature\":1e9}");
        b.put("temperature a string", "{" + m + OK_MESSAGES + ",\"max_tokens\":4,\"temperature\":\"hot\"}");
        b.put("top_p 2", "{" + m + OK_MESSAGES + ",\"max_tokens\":4,\"top_p\":2}");
        b.put("top_p 0", "{" + m + OK_MESSAGES + ",\"max_tokens\":4,\"top_p\":0}");
        b.put("seed a string", "{" + m + OK_MESSAGES + ",\"max_tokens\":4,\"seed\":\"x\"}");
        b.put("seed 1e30", "{" + m + OK_MESSAGES + ",\"max_tokens\":4,\"seed\":1e30}");
        b.put("n 3", "{" + m + OK_MESSAGES + ",\"max_tokens\":4,\"n\":3}");
        b.put("stop 5 sequences", "{" + m + OK_MESSAGES + ",\"max_tokens\":4,\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}");
        b.put("stop a number", "{" + m + OK_MESSAGES + ",\"max_tokens\":4,\"stop\":7}");
        b.put("role wizard", "{" + m + "\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}],\"max_tokens\":4}");
        b.put("content a number", "{" + m + "\"messages\":[{\"role\":\"user\",\"content\":5}],\"max_tokens\":4}");
        b.put("image content part", "{" + m + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"http://x\"}}]}],\"max_tokens\":4}");
        b.put("stream_options without stream", "{" + m + OK_MESSAGES + ",\"max_tokens\":4,\"stream_options\":{\"include_usage\":true}}");
        b.put("rr a string", "{" + m + OK_MESSAGES + ",\"max_tokens\":4,\"rr\":\"x\"}");
        b.put("rr.verify a string", "{" + m + OK_MESSAGES + ",\"max_tokens\":4,\"rr\":{\"verify\":\"no\"}}");
        return b;
    }

    static List<HttpCase> httpCases() {
        LauncherStack stack = SharedStack.stack();
        String key = stack.apiKey();
        Map<String, String> auth = Map.of("Authorization", "Bearer " + key);
        Map<String, String> json = Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json");
        List<HttpCase> cases = new ArrayList<>();
        Set<Integer> s400 = Set.of(400);

        // --- gateway: POST /v1/chat/completions -----------------------------------------------------------------
        String chat = "gateway POST /v1/chat/completions";
        for (String model : new String[] {"fast", "reasoning", "auto"}) {
            for (var e : badChatBodies(model).entrySet()) {
                cases.add(new HttpCase(chat, "model " + model + ": " + e.getKey(), "gateway", "POST", "/v1/chat/completions", json,
                        utf8(e.getValue()), s400, null));
            }
        }
        cases.add(new HttpCase(chat, "empty body", "gateway", "POST", "/v1/chat/completions", json, new byte[0], s400, null));
        cases.add(new HttpCase(chat, "invalid UTF-8", "gateway", "POST", "/v1/chat/completions", json,
                notUtf8("{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"", "\"}]}"), s400, "invalid_encoding"));
        cases.add(new HttpCase(chat, "model a number", "gateway", "POST", "/v1/chat/completions", json,
                utf8("{\"model\":5," + OK_MESSAGES + "}"), s400, null));
        cases.add(new HttpCase(chat, "model an object", "gateway", "POST", "/v1/chat/completions", json,
                utf8("{\"model\":{}," + OK_MESSAGES + "}"), s400, null));
        cases.add(new HttpCase(chat, "unknown model", "gateway", "POST", "/v1/chat/completions", json,
                utf8("{\"model\":\"gpt-4o\"," + OK_MESSAGES + "}"), Set.of(404), "model_not_found"));
        cases.add(new HttpCase(chat, "rr.threshold 2", "gateway", "POST", "/v1/chat/completions", json,
                utf8("{\"model\":\"auto\"," + OK_MESSAGES + ",\"rr\":{\"threshold\":2}}"), s400, null));
        cases.add(new HttpCase(chat, "rr.threshold -0.1", "gateway", "POST", "/v1/chat/completions", json,
                utf8("{\"model\":\"auto\"," + OK_MESSAGES + ",\"rr\":{\"threshold\":-0.1}}"), s400, null));
        cases.add(new HttpCase(chat, "rr.threshold a string", "gateway", "POST", "/v1/chat/completions", json,
                utf8("{\"model\":\"auto\"," + OK_MESSAGES + ",\"rr\":{\"threshold\":\"0.5\"}}"), s400, null));
        cases.add(new HttpCase(chat, "rr.escalate a string", "gateway", "POST", "/v1/chat/completions", json,
                utf8("{\"model\":\"auto\"," + OK_MESSAGES + ",\"rr\":{\"escalate\":\"no\"}}"), s400, null));
        cases.add(new HttpCase(chat, "stream a number", "gateway", "POST", "/v1/chat/completions", json,
                utf8("{\"model\":\"fast\"," + OK_MESSAGES + ",\"stream\":1}"), s400, null));
        cases.add(new HttpCase(chat, "body over 1 MiB", "gateway", "POST", "/v1/chat/completions", json, huge(2 << 20),
                Set.of(413), "request_too_large"));
        for (String type : new String[] {"text/plain", "application/xml", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "application/json; charset=ISO-8859-1", "application/json; charset=nonsense",
                "not a media type", "image/png"}) {
            cases.add(new HttpCase(chat, "Content-Type " + type, "gateway", "POST", "/v1/chat/completions",
                    Map.of("Authorization", "Bearer " + key, "Content-Type", type),
                    utf8("{\"model\":\"fast\"," + OK_MESSAGES + "}"), Set.of(415), "unsupported_media_type"));
        }
        for (String method : new String[] {"GET", "PUT", "DELETE", "PATCH"}) {
            cases.add(new HttpCase(chat, "method " + method, "gateway", method, "/v1/chat/completions", json,
                    method.equals("GET") || method.equals("DELETE") ? null : utf8("{}"), Set.of(405), "method_not_allowed"));
        }
        cases.add(new HttpCase(chat, "no API key", "gateway", "POST", "/v1/chat/completions", Map.of("Content-Type", "application/json"),
                utf8("{\"model\":\"fast\"," + OK_MESSAGES + "}"), Set.of(401), "missing_api_key"));
        cases.add(new HttpCase(chat, "wrong API key", "gateway", "POST", "/v1/chat/completions",
                Map.of("Authorization", "Bearer sk-rr-not-a-key-0000000000", "Content-Type", "application/json"),
                utf8("{\"model\":\"fast\"," + OK_MESSAGES + "}"), Set.of(401), "invalid_api_key"));
        cases.add(new HttpCase(chat, "Basic auth", "gateway", "POST", "/v1/chat/completions",
                Map.of("Authorization", "Basic dXNlcjpwYXNz", "Content-Type", "application/json"),
                utf8("{\"model\":\"fast\"," + OK_MESSAGES + "}"), Set.of(401), "invalid_api_key"));
        cases.add(new HttpCase(chat, "empty Bearer", "gateway", "POST", "/v1/chat/completions",
                Map.of("Authorization", "Bearer ", "Content-Type", "application/json"),
                utf8("{\"model\":\"fast\"," + OK_MESSAGES + "}"), Set.of(401), null));
        cases.add(new HttpCase(chat, "key with a suffix", "gateway", "POST", "/v1/chat/completions",
                Map.of("Authorization", "Bearer " + key + "x", "Content-Type", "application/json"),
                utf8("{\"model\":\"fast\"," + OK_MESSAGES + "}"), Set.of(401), "invalid_api_key"));

        // --- gateway: models, classify, unknown routes -----------------------------------------------------------
        String models = "gateway /v1/models";
        cases.add(new HttpCase(models, "no API key", "gateway", "GET", "/v1/models", Map.of(), null, Set.of(401), "missing_api_key"));
        cases.add(new HttpCase(models, "wrong API key", "gateway", "GET", "/v1/models",
                Map.of("Authorization", "Bearer sk-wrong-wrong-wrong-wrong"), null, Set.of(401), "invalid_api_key"));
        for (String method : new String[] {"POST", "PUT", "DELETE"}) {
            cases.add(new HttpCase(models, "method " + method, "gateway", method, "/v1/models", json,
                    method.equals("DELETE") ? null : utf8("{}"), Set.of(405), "method_not_allowed"));
        }
        cases.add(new HttpCase(models, "unknown model id", "gateway", "GET", "/v1/models/gpt-4o", auth, null, Set.of(404), null));

        String classify = "gateway POST /v1/classify";
        addClassifyCases(cases, classify, "gateway", json, key);
        cases.add(new HttpCase(classify, "no API key", "gateway", "POST", "/v1/classify", Map.of("Content-Type", "application/json"),
                utf8("{\"text\":\"hi\"}"), Set.of(401), "missing_api_key"));
        cases.add(new HttpCase(classify, "body over 1 MiB", "gateway", "POST", "/v1/classify", json,
                utf8("{\"text\":\"" + "y".repeat(2 << 20) + "\"}"), Set.of(413), "request_too_large"));

        String unknown = "gateway unknown routes";
        for (String[] mp : new String[][] {{"GET", "/v1/unknown"}, {"POST", "/v1/engines"}, {"GET", "/v1/chat"},
                {"POST", "/v1/completions"}, {"POST", "/v1/embeddings"}, {"GET", "/v1/chat/completions/abc"},
                {"DELETE", "/v1/files/file-x/extra"}, {"GET", "/v2/models"}, {"POST", "/v1/responses"}}) {
            cases.add(new HttpCase(unknown, mp[0] + " " + mp[1], "gateway", mp[0], mp[1], json,
                    mp[0].equals("POST") ? utf8("{}") : null, Set.of(404), null));
        }

        // --- gateway: files ----------------------------------------------------------------------------------------
        String files = "gateway /v1/files";
        cases.add(new HttpCase(files, "JSON instead of multipart", "gateway", "POST", "/v1/files", json, utf8("{\"purpose\":\"batch\"}"),
                Set.of(415), "unsupported_media_type"));
        cases.add(new HttpCase(files, "no Content-Type", "gateway", "POST", "/v1/files", auth, utf8("purpose=batch"),
                Set.of(415), "unsupported_media_type"));
        cases.add(new HttpCase(files, "multipart without a boundary", "gateway", "POST", "/v1/files",
                Map.of("Authorization", "Bearer " + key, "Content-Type", "multipart/form-data"),
                Batches.multipart("abc", "batch", "b.jsonl", utf8("{}\n")), s400, null));
        cases.add(new HttpCase(files, "multipart with a wrong boundary", "gateway", "POST", "/v1/files",
                Map.of("Authorization", "Bearer " + key, "Content-Type", "multipart/form-data; boundary=other"),
                Batches.multipart("abc", "batch", "b.jsonl", utf8("{}\n")), s400, null));
        cases.add(new HttpCase(files, "multipart cut off", "gateway", "POST", "/v1/files",
                Map.of("Authorization", "Bearer " + key, "Content-Type", "multipart/form-data; boundary=abc"),
                Arrays.copyOf(Batches.multipart("abc", "batch", "b.jsonl", utf8("{}\n")), 60), s400, null));
        cases.add(multipart(files, "missing purpose", key, null, utf8("{}\n"), s400));
        cases.add(multipart(files, "missing file", key, "batch", null, s400));
        cases.add(multipart(files, "purpose fine-tune", key, "fine-tune", utf8("{}\n"), s400));
        cases.add(multipart(files, "empty file", key, "batch", new byte[0], s400));
        cases.add(multipart(files, "file not UTF-8", key, "batch", notUtf8("{\"custom_id\":\"", "\"}\n"), s400));
        cases.add(new HttpCase(files, "no API key", "gateway", "POST", "/v1/files",
                Map.of("Content-Type", "multipart/form-data; boundary=abc"), Batches.multipart("abc", "batch", "b.jsonl", utf8("{}\n")),
                Set.of(401), "missing_api_key"));
        cases.add(new HttpCase(files, "unknown file", "gateway", "GET", "/v1/files/file-does-not-exist", auth, null, Set.of(404), null));
        cases.add(new HttpCase(files, "unknown file content", "gateway", "GET", "/v1/files/file-does-not-exist/content", auth, null,
                Set.of(404), null));
        for (String method : new String[] {"PUT", "DELETE", "PATCH"}) {
            cases.add(new HttpCase(files, "method " + method, "gateway", method, "/v1/files", json, utf8("{}"), Set.of(405),
                    "method_not_allowed"));
        }
        cases.add(new HttpCase(files, "method POST on a file", "gateway", "POST", "/v1/files/file-x", json, utf8("{}"), Set.of(405),
                "method_not_allowed"));

        // --- gateway: batches --------------------------------------------------------------------------------------
        String batches = "gateway /v1/batches";
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/xml", "not a media type"}) {
            cases.add(new HttpCase(batches, "Content-Type " + type, "gateway", "POST", "/v1/batches",
                    Map.of("Authorization", "Bearer " + key, "Content-Type", type),
                    utf8("{\"input_file_id\":\"file-x\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}"),
                    Set.of(415), "unsupported_media_type"));
        }
        Map<String, String> batchBodies = new LinkedHashMap<>();
        batchBodies.put("not JSON", "{input_file_id:");
        batchBodies.put("JSON array", "[]");
        batchBodies.put("JSON null", "null");
        batchBodies.put("empty body", "");
        batchBodies.put("missing input_file_id", "{\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        batchBodies.put("input_file_id a number", "{\"input_file_id\":5,\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        batchBodies.put("missing endpoint", "{\"input_file_id\":\"file-x\",\"completion_window\":\"24h\"}");
        batchBodies.put("missing completion_window", "{\"input_file_id\":\"file-x\",\"endpoint\":\"/v1/chat/completions\"}");
        batchBodies.put("metadata a string", "{\"input_file_id\":\"file-x\",\"endpoint\":\"/v1/chat/completions\","
                + "\"completion_window\":\"24h\",\"metadata\":\"m\"}");
        batchBodies.put("metadata value a number", "{\"input_file_id\":\"file-x\",\"endpoint\":\"/v1/chat/completions\","
                + "\"completion_window\":\"24h\",\"metadata\":{\"a\":1}}");
        for (var e : batchBodies.entrySet()) {
            cases.add(new HttpCase(batches, e.getKey(), "gateway", "POST", "/v1/batches", json, utf8(e.getValue()), s400, null));
        }
        cases.add(new HttpCase(batches, "invalid UTF-8", "gateway", "POST", "/v1/batches", json,
                notUtf8("{\"input_file_id\":\"", "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}"), s400, null));
        cases.add(new HttpCase(batches, "unknown input file", "gateway", "POST", "/v1/batches", json,
                utf8("{\"input_file_id\":\"file-nope\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}"),
                Set.of(404), null));
        cases.add(new HttpCase(batches, "unknown batch", "gateway", "GET", "/v1/batches/batch_nope", auth, null, Set.of(404), null));
        cases.add(new HttpCase(batches, "cancel unknown batch", "gateway", "POST", "/v1/batches/batch_nope/cancel", json, utf8("{}"),
                Set.of(404), null));
        for (String q : new String[] {"limit=0", "limit=101", "limit=abc", "limit=-1", "after=batch_nope"}) {
            cases.add(new HttpCase(batches, "list " + q, "gateway", "GET", "/v1/batches?" + q, auth, null, s400, null));
        }
        for (String method : new String[] {"PUT", "DELETE", "PATCH"}) {
            cases.add(new HttpCase(batches, "method " + method, "gateway", method, "/v1/batches", json, utf8("{}"), Set.of(405),
                    "method_not_allowed"));
        }
        cases.add(new HttpCase(batches, "no API key", "gateway", "GET", "/v1/batches", Map.of(), null, Set.of(401), "missing_api_key"));

        // --- the path services' and the classifier's own HTTP APIs --------------------------------------------------
        for (String service : new String[] {"fast-path", "reasoning-path"}) {
            String ep = service + " POST /v1/chat/completions";
            Map<String, String> plain = Map.of("Content-Type", "application/json");
            for (var e : badChatBodies(null).entrySet()) {
                cases.add(new HttpCase(ep, e.getKey(), service, "POST", "/v1/chat/completions", plain, utf8(e.getValue()), s400, null));
            }
            cases.add(new HttpCase(ep, "unknown model", service, "POST", "/v1/chat/completions", plain,
                    utf8("{\"model\":\"gpt-4o\"," + OK_MESSAGES + "}"), s400, "model_not_found"));
            cases.add(new HttpCase(ep, "invalid UTF-8", service, "POST", "/v1/chat/completions", plain,
                    notUtf8("{\"messages\":[{\"role\":\"user\",\"content\":\"", "\"}]}"), s400, null));
            cases.add(new HttpCase(ep, "body over 4 MiB", service, "POST", "/v1/chat/completions", plain, huge(5 << 20),
                    Set.of(413), null));
            cases.add(new HttpCase(ep, "Content-Type text/plain", service, "POST", "/v1/chat/completions",
                    Map.of("Content-Type", "text/plain"), utf8("{" + OK_MESSAGES + "}"), Set.of(415), null));
            cases.add(new HttpCase(ep, "method GET", service, "GET", "/v1/chat/completions", Map.of(), null, Set.of(405), null));
            cases.add(new HttpCase(ep, "method DELETE", service, "DELETE", "/v1/chat/completions", Map.of(), null, Set.of(405), null));
            cases.add(new HttpCase(service + " other routes", "unknown route", service, "GET", "/v1/nothing", Map.of(), null,
                    Set.of(404), null));
            cases.add(new HttpCase(service + " other routes", "unknown model id", service, "GET", "/v1/models/gpt-4o", Map.of(), null,
                    Set.of(404), "model_not_found"));
        }
        cases.add(new HttpCase("reasoning-path POST /v1/chat/completions", "rr.samples 1000", "reasoning-path", "POST",
                "/v1/chat/completions", Map.of("Content-Type", "application/json"),
                utf8("{" + OK_MESSAGES + ",\"max_tokens\":4,\"rr\":{\"samples\":1000}}"), s400, null));
        cases.add(new HttpCase("reasoning-path POST /v1/chat/completions", "rr.max_rounds -1", "reasoning-path", "POST",
                "/v1/chat/completions", Map.of("Content-Type", "application/json"),
                utf8("{" + OK_MESSAGES + ",\"max_tokens\":4,\"rr\":{\"max_rounds\":-1}}"), s400, null));
        addClassifyCases(cases, "classifier POST /v1/classify", "classifier", Map.of("Content-Type", "application/json"), null);
        cases.add(new HttpCase("classifier other routes", "unknown route", "classifier", "GET", "/v1/nothing", Map.of(), null,
                Set.of(404), null));
        // the classifier's own limit is 256 KiB; a body far over it must still get its 413, not a reset connection
        for (int kib : new int[] {512, 3 * 1024}) {
            cases.add(new HttpCase("classifier POST /v1/classify", "body of " + kib + " KiB", "classifier", "POST", "/v1/classify",
                    Map.of("Content-Type", "application/json"), utf8("{\"text\":\"" + "w".repeat(kib * 1024) + "\"}"),
                    Set.of(413), "request_too_large"));
        }
        cases.add(new HttpCase(classify, "body of 512 KiB (the classifier's 413)", "gateway", "POST", "/v1/classify", json,
                utf8("{\"text\":\"" + "w".repeat(512 * 1024) + "\"}"), Set.of(413), "request_too_large"));
        return cases;
    }

    static void addClassifyCases(List<HttpCase> cases, String ep, String service, Map<String, String> json, String key) {
        Set<Integer> s400 = Set.of(400);
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("not JSON", "{text:");
        bodies.put("JSON array", "[\"a\"]");
        bodies.put("JSON null", "null");
        bodies.put("empty body", "");
        bodies.put("missing text", "{}");
        bodies.put("text a number", "{\"text\":5}");
        bodies.put("text an object", "{\"text\":{}}");
        bodies.put("text empty list", "{\"text\":[]}");
        bodies.put("text list with a number", "{\"text\":[\"a\",3]}");
        bodies.put("text blank", "{\"text\":\"   \"}");
        bodies.put("threshold 2", "{\"text\":\"hi\",\"threshold\":2}");
        bodies.put("threshold a string", "{\"text\":\"hi\",\"threshold\":\"0.5\"}");
        bodies.put("threshold -1e300", "{\"text\":\"hi\",\"threshold\":-1e300}");
        bodies.put("messages without a user", "{\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}");
        bodies.put("messages a string", "{\"messages\":\"hi\"}");
        for (var e : bodies.entrySet()) {
            cases.add(new HttpCase(ep, e.getKey(), service, "POST", "/v1/classify", json, utf8(e.getValue()), s400, null));
        }
        cases.add(new HttpCase(ep, "invalid UTF-8", service, "POST", "/v1/classify", json, notUtf8("{\"text\":\"", "\"}"), s400, null));
        Map<String, String> textPlain = key == null ? Map.of("Content-Type", "text/plain")
                : Map.of("Authorization", "Bearer " + key, "Content-Type", "text/plain");
        cases.add(new HttpCase(ep, "Content-Type text/plain", service, "POST", "/v1/classify", textPlain, utf8("{\"text\":\"hi\"}"),
                Set.of(415), null));
        Map<String, String> get = key == null ? Map.of() : Map.of("Authorization", "Bearer " + key);
        cases.add(new HttpCase(ep, "method GET", service, "GET", "/v1/classify", get, null, Set.of(405), null));
        cases.add(new HttpCase(ep, "method PUT", service, "PUT", "/v1/classify", json, utf8("{\"text\":\"hi\"}"), Set.of(405), null));
    }

    static HttpCase multipart(String endpoint, String name, String key, String purpose, byte[] file, Set<Integer> expected) {
        return new HttpCase(endpoint, name, "gateway", "POST", "/v1/files",
                Map.of("Authorization", "Bearer " + key, "Content-Type", "multipart/form-data; boundary=abc"),
                Batches.multipart("abc", purpose, "b.jsonl", file), expected, null);
    }

    static synchronized void count(String endpoint, String outcome) {
        COUNTS.computeIfAbsent(endpoint, k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
    }

    @TestFactory
    @Order(1)
    Stream<DynamicTest> everyMalformedHttpRequestGetsItsDocumented4xxInOpenAisShape() {
        List<HttpCase> cases = httpCases();
        assertThat(cases.size()).isGreaterThanOrEqualTo(200);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            Response r = E2e.send(c.method(), SharedStack.stack().baseUrl(c.service()) + c.path(), c.headers(), c.body(),
                    Duration.ofSeconds(60));
            count(c.endpoint(), "HTTP " + r.status());
            assertThat(r.status()).as(c + " → " + r.body()).isLessThan(500).isIn(c.expected());
            JsonNode error = E2e.assertOpenAiError(r);
            if (c.code() != null) {
                assertThat(error.path("code").asString()).as(c + " → " + r.body()).isEqualTo(c.code());
            }
        }));
    }

    @Test
    @Order(2)
    void badLinesOfABatchFileGoToItsErrorFileWithTheirLineNumbers() {
        List<String> bad = List.of(
                "not json",
                "[]",
                "{\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{" + OK_MESSAGES + "}}",
                "{\"custom_id\":\"\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{" + OK_MESSAGES + "}}",
                "{\"custom_id\":\"b-get\",\"method\":\"GET\",\"url\":\"/v1/chat/completions\",\"body\":{" + OK_MESSAGES + "}}",
                "{\"custom_id\":\"b-url\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{" + OK_MESSAGES + "}}",
                "{\"custom_id\":\"b-body\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":\"x\"}",
                "{\"custom_id\":\"b-model\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o\"," + OK_MESSAGES + "}}",
                "{\"custom_id\":\"b-nomsg\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"fast\"}}",
                "{\"custom_id\":\"b-nouser\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"fast\","
                        + "\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}}",
                "{\"custom_id\":\"b-mt\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"fast\",\"max_tokens\":1e12,"
                        + OK_MESSAGES + "}}",
                "{\"custom_id\":\"b-mtneg\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"fast\",\"max_tokens\":-5,"
                        + OK_MESSAGES + "}}",
                "{\"custom_id\":\"b-temp\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"fast\",\"temperature\":9,"
                        + OK_MESSAGES + "}}",
                "{\"custom_id\":\"b-stream\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"fast\",\"stream\":true,"
                        + OK_MESSAGES + "}}",
                "{\"custom_id\":\"b-thr\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"auto\",\"rr\":{\"threshold\":3},"
                        + OK_MESSAGES + "}}",
                "{\"custom_id\":\"b-good\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"fast\",\"max_tokens\":2,"
                        + OK_MESSAGES + "}}",
                "{\"custom_id\":\"b-good\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"fast\",\"max_tokens\":2,"
                        + OK_MESSAGES + "}}");
        String fileId = Batches.upload(String.join("\n", bad) + "\n");
        JsonNode created = Batches.create(fileId);
        JsonNode done = Batches.awaitDone(created.path("id").asString(), Duration.ofMinutes(2));
        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
        List<JsonNode> errors = Batches.content(done.path("error_file_id").asString());
        List<JsonNode> output = Batches.content(done.path("output_file_id").asString());
        // every line but the first b-good is refused (the second b-good as a duplicate custom_id)
        assertThat(output).hasSize(1);
        assertThat(output.getFirst().path("custom_id").asString()).isEqualTo("b-good");
        assertThat(errors).hasSize(bad.size() - 1);
        List<Integer> lineNumbers = new ArrayList<>();
        for (JsonNode e : errors) {
            count("gateway batch lines", "error file");
            JsonNode err = e.path("error");
            assertThat(err.path("code").asString()).as(e.toString()).isNotBlank();
            assertThat(err.path("message").asString()).as(e.toString()).isNotBlank();
            lineNumbers.add(err.path("line").asInt());
        }
        List<Integer> expectedLines = new ArrayList<>();
        for (int line = 1; line <= bad.size(); line++) {
            if (line != bad.size() - 1) { // the first b-good, 1-based
                expectedLines.add(line);
            }
        }
        assertThat(lineNumbers).containsExactlyElementsOf(expectedLines);
        count("gateway batch lines", "output file");
    }

    static List<KafkaCase> kafkaCases() {
        List<KafkaCase> cases = new ArrayList<>();
        String req = Topics.REQUESTS;
        int n = 0;
        // rr.requests: what the classifier stage cannot use is dead-lettered; a well-formed request the path refuses
        // comes back as an error result
        cases.add(new KafkaCase(req, "not JSON", key(n++), utf8("{this is not json"), "dlq"));
        cases.add(new KafkaCase(req, "JSON array", key(n++), utf8("[1,2]"), "dlq"));
        cases.add(new KafkaCase(req, "JSON string", key(n++), utf8("\"request\""), "dlq"));
        cases.add(new KafkaCase(req, "JSON null", key(n++), utf8("null"), "dlq"));
        cases.add(new KafkaCase(req, "empty value", key(n++), new byte[0], "dlq"));
        cases.add(new KafkaCase(req, "invalid UTF-8", key(n++), notUtf8("{\"requestId\":\"", "\"}"), "dlq"));
        cases.add(new KafkaCase(req, "missing requestId", key(n++), utf8("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), "dlq"));
        cases.add(new KafkaCase(req, "blank requestId", key(n++), utf8(request("  ", "\"maxTokens\":4")), "dlq"));
        String k = key(n++);
        cases.add(new KafkaCase(req, "messages a string", k, utf8("{\"requestId\":\"" + k + "\",\"messages\":\"hi\"}"), "dlq"));
        k = key(n++);
        cases.add(new KafkaCase(req, "maxTokens 1e12", k, utf8(request(k, "\"maxTokens\":1000000000000")), "dlq"));
        k = key(n++);
        cases.add(new KafkaCase(req, "maxTokens a string", k, utf8(request(k, "\"maxTokens\":\"ten\"")), "dlq"));
        k = key(n++);
        cases.add(new KafkaCase(req, "rr_threshold not a number", k, utf8(request(k, "\"metadata\":{\"rr_threshold\":\"abc\"}")), "dlq"));
        k = key(n++);
        cases.add(new KafkaCase(req, "rr_threshold 5", k, utf8(request(k, "\"metadata\":{\"rr_threshold\":\"5\"}")), "dlq"));
        k = key(n++);
        cases.add(new KafkaCase(req, "rr_route slow", k, utf8(request(k, "\"metadata\":{\"rr_route\":\"slow\"}")), "dlq"));
        k = key(n++);
        cases.add(new KafkaCase(req, "no user message", k, utf8("{\"requestId\":\"" + k + "\",\"messages\":[{\"role\":\"system\","
                + "\"content\":\"x\"}],\"createdAtMs\":1}"), "dlq"));
        k = key(n++);
        cases.add(new KafkaCase(req, "record near 1 MB (the job would be over the limit)", k,
                utf8(request(k, "\"metadata\":{\"rr_route\":\"fast\"}").replace("What is 2 + 2?", "z".repeat(999_850))), "dlq"));
        k = key(n++);
        cases.add(new KafkaCase(req, "maxTokens -5", k, utf8(request(k, "\"maxTokens\":-5,\"metadata\":{\"rr_route\":\"fast\"}")), "error 400"));
        k = key(n++);
        cases.add(new KafkaCase(req, "temperature 99", k, utf8(request(k, "\"maxTokens\":4,\"temperature\":99.0,"
                + "\"metadata\":{\"rr_route\":\"fast\"}")), "error 400"));
        k = key(n++);
        cases.add(new KafkaCase(req, "rr_samples 1000 on reasoning", k, utf8(request(k, "\"maxTokens\":4,"
                + "\"metadata\":{\"rr_route\":\"reasoning\",\"rr_samples\":\"1000\"}")), "error 400"));
        k = key(n++);
        cases.add(new KafkaCase(req, "role wizard", k, utf8("{\"requestId\":\"" + k + "\",\"messages\":[{\"role\":\"wizard\","
                + "\"content\":\"hi\"},{\"role\":\"user\",\"content\":\"hi\"}],\"maxTokens\":4,\"metadata\":{\"rr_route\":\"fast\"},"
                + "\"createdAtMs\":1}"), "error 400"));

        // the jobs topics: the path's worker dead-letters what is no job, and answers a job it refuses with an error result
        for (String topic : new String[] {Topics.JOBS_FAST, Topics.JOBS_REASONING}) {
            String route = topic.equals(Topics.JOBS_FAST) ? "fast" : "reasoning";
            cases.add(new KafkaCase(topic, "not JSON", key(n++), utf8("{nope"), "dlq"));
            cases.add(new KafkaCase(topic, "JSON array", key(n++), utf8("[]"), "dlq"));
            cases.add(new KafkaCase(topic, "JSON null", key(n++), utf8("null"), "dlq"));
            cases.add(new KafkaCase(topic, "empty value", key(n++), new byte[0], "dlq"));
            cases.add(new KafkaCase(topic, "invalid UTF-8", key(n++), notUtf8("{\"request\":\"", "\"}"), "dlq"));
            cases.add(new KafkaCase(topic, "no request", key(n++), utf8("{\"decision\":" + decision(route) + "}"), "dlq"));
            cases.add(new KafkaCase(topic, "request without requestId", key(n++),
                    utf8("{\"request\":{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]},\"decision\":" + decision(route) + "}"), "dlq"));
            k = key(n++);
            cases.add(new KafkaCase(topic, "request a string", k, utf8("{\"request\":\"" + k + "\",\"decision\":" + decision(route) + "}"), "dlq"));
            k = key(n++);
            cases.add(new KafkaCase(topic, "maxTokens 1e12", k, utf8(job(k, route, "\"maxTokens\":1000000000000")), "dlq"));
            k = key(n++);
            cases.add(new KafkaCase(topic, "maxTokens -5", k, utf8(job(k, route, "\"maxTokens\":-5")), "error 400"));
            k = key(n++);
            cases.add(new KafkaCase(topic, "maxTokens 100000000", k, utf8(job(k, route, "\"maxTokens\":100000000")), "error 400"));
            k = key(n++);
            cases.add(new KafkaCase(topic, "temperature -3", k, utf8(job(k, route, "\"maxTokens\":4,\"temperature\":-3.0")), "error 400"));
            k = key(n++);
            cases.add(new KafkaCase(topic, "topP 7", k, utf8(job(k, route, "\"maxTokens\":4,\"topP\":7.0")), "error 400"));
            k = key(n++);
            cases.add(new KafkaCase(topic, "no messages", k, utf8("{\"request\":{\"requestId\":\"" + k + "\",\"maxTokens\":4,"
                    + "\"createdAtMs\":1},\"decision\":" + decision(route) + "}"), "error 400"));
            k = key(n++);
            cases.add(new KafkaCase(topic, "prompt over the context (near 1 MB)", k,
                    utf8(job(k, route, "\"maxTokens\":4").replace("What is 2 + 2?", "9 ".repeat(450_000))), "error 400"));
        }
        return cases;
    }

    static String key(int n) {
        return "bad-" + RUN + "-" + n;
    }

    static String request(String id, String fields) {
        return "{\"requestId\":\"" + id + "\",\"model\":\"rr-auto\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 2 + 2?\"}],"
                + fields + ",\"createdAtMs\":1}";
    }

    static String decision(String route) {
        return "{\"route\":\"" + route + "\",\"score\":0.5,\"threshold\":0.5,\"taskType\":null,\"taskProbability\":0.0,"
                + "\"modelVersion\":null,\"latencyMs\":0.0,\"source\":\"forced\"}";
    }

    static String job(String id, String route, String fields) {
        return "{\"request\":" + request(id, fields) + ",\"decision\":" + decision(route) + "}";
    }

    @Test
    @Order(3)
    void everyMalformedRecordIsDeadLetteredWithItsReasonOrAnsweredWithAnErrorResult() throws Exception {
        List<KafkaCase> cases = kafkaCases();
        try (var producer = E2e.bytesProducer(SharedStack.stack().bootstrap())) {
            for (KafkaCase c : cases) {
                producer.send(new ProducerRecord<>(c.topic(), c.key(), c.value())).get(30, TimeUnit.SECONDS);
            }
        }
        Map<String, KafkaCase> byKey = new LinkedHashMap<>();
        cases.forEach(c -> byKey.put(c.key(), c));
        Map<String, List<String>> seen = new LinkedHashMap<>();
        Map<String, DeadLetter> letters = new LinkedHashMap<>();
        Map<String, InferenceResult> results = new LinkedHashMap<>();
        try (var consumer = E2e.consumer(SharedStack.stack().bootstrap(), "e2e-bad-" + RUN)) {
            consumer.subscribe(List.of(Topics.DLQ, Topics.RESULTS));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            long settle = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settle)) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() == null || !byKey.containsKey(record.key())) {
                        continue;
                    }
                    if (record.topic().equals(Topics.DLQ)) {
                        seen.computeIfAbsent(record.key(), x -> new ArrayList<>()).add("dlq");
                        letters.put(record.key(), Batches.CODEC.decode(record.value(), DeadLetter.class));
                    } else {
                        InferenceResult r = Batches.CODEC.decode(record.value(), InferenceResult.class);
                        seen.computeIfAbsent(record.key(), x -> new ArrayList<>()).add(r.isError() ? "error " + r.statusCode() : "result");
                        results.put(record.key(), r);
                    }
                }
                if (seen.size() == byKey.size() && settle == Long.MAX_VALUE) {
                    settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        List<String> failures = new ArrayList<>();
        for (KafkaCase c : cases) {
            List<String> outcomes = seen.getOrDefault(c.key(), List.of());
            count(c.topic(), outcomes.isEmpty() ? "nothing" : String.join("+", outcomes));
            if (!outcomes.equals(List.of(c.expected()))) {
                failures.add(c.topic() + " " + c.name() + ": expected " + c.expected() + ", got " + outcomes
                        + (results.containsKey(c.key()) ? " " + results.get(c.key()).body() : ""));
                continue;
            }
            if (c.expected().equals("dlq")) {
                DeadLetter d = letters.get(c.key());
                if (d.reason() == null || d.reason().isBlank() || !c.topic().equals(d.sourceTopic())) {
                    failures.add(c.topic() + " " + c.name() + ": dead letter without reason or source: " + d);
                }
                String sent = new String(c.value(), StandardCharsets.UTF_8);
                boolean cut = d.reason() != null && d.reason().contains("cut to its first");
                boolean payloadKept = sent.contains("\uFFFD") // not UTF-8: the letter carries the text as it was decoded
                        || (cut ? sent.startsWith(d.payload()) : sent.equals(d.payload()));
                if (d.payload() == null || !payloadKept) {
                    failures.add(c.topic() + " " + c.name() + ": the dead letter's payload is not the record's");
                }
            } else {
                Object error = results.get(c.key()).body().get("error");
                if (!(error instanceof Map<?, ?> e) || e.get("message") == null || !e.containsKey("code") || !e.containsKey("param")) {
                    failures.add(c.topic() + " " + c.name() + ": error result without an OpenAI error body: " + results.get(c.key()).body());
                }
            }
        }
        assertThat(failures).as("records whose outcome is not the documented one").isEmpty();
    }

    @Test
    @Order(4)
    void everyServiceIsStillHealthy() {
        for (String s : LauncherStack.SERVICES) {
            Response r = E2e.get(SharedStack.stack().baseUrl(s) + "/actuator/health");
            assertThat(r.status()).as(s + ": " + r.body()).isEqualTo(200);
            assertThat(r.body()).as(s).contains("\"status\":\"UP\"");
        }
        // and still answers
        Response chat = E2e.gateway("POST", "/v1/chat/completions", "{\"model\":\"fast\",\"max_tokens\":2," + OK_MESSAGES + "}");
        assertThat(chat.status()).as(chat.body()).isEqualTo(200);
    }

    @AfterAll
    static void writeCounts() throws Exception {
        StringBuilder b = new StringBuilder("# BadInputIT: malformed inputs per endpoint/topic and outcome\n");
        int total = 0;
        for (var e : COUNTS.entrySet()) {
            for (var o : e.getValue().entrySet()) {
                b.append(String.format("%-55s %-22s %5d%n", e.getKey(), o.getKey(), o.getValue()));
                total += o.getValue();
            }
        }
        b.append(String.format("%-55s %-22s %5d%n", "total", "", total));
        Path file = Path.of(System.getProperty("rr.repo.root", ".")).resolve("e2e/target/bad-input-counts.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, b.toString());
        System.out.print(b);
        Figures.put("bad-input.total", total);
    }
}
