package dev.reasoningrouter.report;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends one query as an OpenAI chat completion to the gateway and reads what the platform says about it: the answer,
 * {@code usage}, and the {@code rr} object (route, escalation, active parameters per token, verification rounds), with
 * the {@code X-RR-*} headers where the body says nothing.
 */
public final class GatewayClient {

    /**
     * @param maxTokens   {@code max_tokens} of every request
     * @param temperature {@code temperature} of every request (null: the paths' defaults)
     * @param timeout     the longest wait for one answer
     */
    public record Settings(int maxTokens, Double temperature, Duration timeout) {}

    private final HttpClient http;
    private final URI endpoint;
    private final String apiKey;
    private final Settings settings;
    private final JsonMapper json;

    public GatewayClient(String baseUrl, String apiKey, Settings settings, JsonMapper json) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1).build();
        String base = baseUrl.replaceAll("/+$", "");
        this.endpoint = URI.create(base.endsWith("/v1") ? base + "/chat/completions" : base + "/v1/chat/completions");
        this.apiKey = apiKey;
        this.settings = settings;
        this.json = json;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The request body for {@code q} on {@code route}; {@code seed} makes sampled decoding repeatable. */
    public String body(Route route, Query q, long seed) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("model", route.model());
        b.put("messages", List.of(Map.of("role", "user", "content", q.question())));
        b.put("max_tokens", settings.maxTokens());
        if (settings.temperature() != null) {
            b.put("temperature", settings.temperature());
        }
        b.put("seed", seed);
        if (!route.rr().isEmpty()) {
            b.put("rr", route.rr());
        }
        return json.writeValueAsString(b);
    }

    /** Sends {@code q} on {@code route}; never throws for what the server or the network does (that is an outcome). */
    public Outcome send(Route route, Query q, long seed) {
        HttpRequest.Builder r = HttpRequest.newBuilder(endpoint).timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(route, q, seed)));
        if (apiKey != null && !apiKey.isBlank()) {
            r.header("Authorization", "Bearer " + apiKey);
        }
        long t0 = System.nanoTime();
        HttpResponse<String> resp;
        try {
            resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return Outcome.failed(q, route.name(), 0, System.nanoTime() - t0, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed(q, route.name(), 0, System.nanoTime() - t0, "interrupted");
        }
        long latency = System.nanoTime() - t0;
        return read(route, q, resp.statusCode(), resp.headers().map(), resp.body(), latency);
    }

    /** Reads a response: status, headers (names in any case) and body. */
    Outcome read(Route route, Query q, int status, Map<String, List<String>> headers, String body, long latency) {
        if (status != 200) {
            return Outcome.failed(q, route.name(), status, latency, "HTTP " + status + ": " + abbreviate(body));
        }
        JsonNode b;
        try {
            b = json.readTree(body);
        } catch (JacksonException e) {
            return Outcome.failed(q, route.name(), status, latency, "not JSON: " + abbreviate(body));
        }
        JsonNode message = b.path("choices").path(0).path("message");
        JsonNode content = message.get("content");
        if (content == null || !content.isString()) {
            return Outcome.failed(q, route.name(), status, latency, "no message content: " + abbreviate(body));
        }
        JsonNode rr = b.path("rr");
        JsonNode usage = b.path("usage");
        String answeredBy = text(rr, "route", header(headers, "X-RR-Route"));
        String source = text(rr, "route_source", header(headers, "X-RR-Route-Source"));
        boolean escalated = bool(rr, "escalated", header(headers, "X-RR-Escalated"));
        boolean degraded = bool(rr, "degraded", header(headers, "X-RR-Degraded"));
        JsonNode rounds = rr.path("verification").path("rounds");
        JsonNode verifier = rr.path("verification").path("verifier");
        return Outcome.answered(q, route.name(), status, latency, answeredBy, source, escalated, degraded, content.asString(),
                usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0),
                usage.path("completion_tokens_details").path("reasoning_tokens").asInt(0),
                rr.path("active_params_per_token").asLong(0), rounds.isNumber() ? rounds.asInt() : -1,
                verifier.isString() ? verifier.asString() : null);
    }

    private static String text(JsonNode rr, String field, String fallback) {
        JsonNode v = rr.get(field);
        return v != null && v.isString() ? v.asString() : fallback;
    }

    private static boolean bool(JsonNode rr, String field, String fallback) {
        JsonNode v = rr.get(field);
        return v != null && v.isBoolean() ? v.asBoolean() : "true".equalsIgnoreCase(fallback);
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (var e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().getFirst();
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 300 ? one.substring(0, 300) + "…" : one;
    }
}
