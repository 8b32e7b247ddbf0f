package dev.reasoningrouter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the IT classes share: an HTTP client, JSON, Kafka clients on the stack's broker, and common assertions. */
final class E2e {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final JsonMapper JSON = JsonMapper.builder().build();

    private E2e() {}

    /** An HTTP answer, its body as text. */
    record Response(int status, HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (RuntimeException e) {
                throw new AssertionError("not JSON (HTTP " + status + "): " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    static Response send(String method, String url, Map<String, String> headers, byte[] body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.headers(), new String(r.body(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(method + " " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static Response get(String url) {
        return send("GET", url, Map.of(), null, Duration.ofSeconds(30));
    }

    /** An authorised JSON request to the gateway of the shared stack. */
    static Response gateway(String method, String path, String json) {
        LauncherStack s = SharedStack.stack();
        return send(method, s.baseUrl("gateway") + path,
                json == null ? Map.of("Authorization", "Bearer " + s.apiKey())
                        : Map.of("Authorization", "Bearer " + s.apiKey(), "Content-Type", "application/json"),
                json == null ? null : json.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(180));
    }

    /** Asserts OpenAI's error shape {"error":{"message","type","param","code"}} with a non-blank message and type. */
    static JsonNode assertOpenAiError(Response r) {
        JsonNode body = r.json();
        assertThat(body.isObject()).as(r.body()).isTrue();
        JsonNode e = body.get("error");
        assertThat(e).as("error object in " + r.body()).isNotNull();
        assertThat(e.isObject()).as(r.body()).isTrue();
        for (String field : new String[] {"message", "type", "param", "code"}) {
            assertThat(e.has(field)).as("error." + field + " in " + r.body()).isTrue();
        }
        assertThat(e.get("message").asString("")).as(r.body()).isNotBlank();
        assertThat(e.get("type").asString("")).as(r.body()).isNotBlank();
        return e;
    }

    /** Polls a service's {@code /actuator/health} until it is UP. */
    static void awaitHealthy(LauncherStack stack, String service, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                Response r = send("GET", stack.baseUrl(service) + "/actuator/health", Map.of(), null, Duration.ofSeconds(5));
                last = r.status() + " " + r.body();
                if (r.status() == 200 && r.body().contains("\"status\":\"UP\"")) {
                    return;
                }
            } catch (AssertionError e) {
                last = e.getMessage();
            }
            sleep(500);
        }
        throw new AssertionError(service + " not healthy within " + within + ": " + last);
    }

    static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** A producer of raw bytes (for values that are not valid UTF-8). */
    static KafkaProducer<String, byte[]> bytesProducer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(2 * 1024 * 1024));
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** A consumer in a group of its own reading committed records from the beginning. */
    static KafkaConsumer<String, String> consumer(String bootstrap, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    static void sleep(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static String quote(String s) {
        return JSON.writeValueAsString(s);
    }
}
