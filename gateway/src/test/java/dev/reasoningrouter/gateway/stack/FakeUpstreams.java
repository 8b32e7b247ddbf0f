package dev.reasoningrouter.gateway.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/**
 * Small OpenAI-compatible servers at the gateway's edge, for faults the real services cannot be made to show on cue.
 * Each behaviour has its own base URL, {@code http://127.0.0.1:<port>/<behaviour>/v1}:
 * <ul>
 *   <li>{@code ok}: answers like a provider (no {@code rr} block), JSON or a three-chunk stream, and records what it got;</li>
 *   <li>{@code fails}: 500; {@code rejects}: 422 with a body of its own and {@code Retry-After};</li>
 *   <li>{@code breaks}: streams two chunks and then cuts the connection; {@code ends}: two chunks and a clean end without
 *       {@code [DONE]}; {@code stalls}: one chunk and then silence;</li>
 *   <li>{@code slow-classifier}: a classifier that takes two seconds; {@code /v1/classify} at the root answers at once and
 *       records what it got (the proxied classify route).</li>
 * </ul>
 */
public final class FakeUpstreams implements AutoCloseable {
    public static final String REJECTION = "{\"error\":{\"message\":\"the provider's own words\",\"type\":\"invalid_request_error\","
            + "\"param\":\"temperature\",\"code\":\"provider_specific\"}}";

    /** A request the {@code ok} upstream received. */
    public record Received(String authorization, String body) {}

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();

    public FakeUpstreams() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/ok/v1/chat/completions", this::ok);
        server.createContext("/fails/v1/chat/completions", e -> send(e, 500, "application/json",
                "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"param\":null,\"code\":null}}"));
        server.createContext("/rejects/v1/chat/completions", e -> {
            e.getResponseHeaders().set("Retry-After", "7");
            send(e, 422, "application/json", REJECTION);
        });
        server.createContext("/breaks/v1/chat/completions", e -> stream(e, 2, Ending.CUT));
        server.createContext("/ends/v1/chat/completions", e -> stream(e, 2, Ending.CLEAN));
        server.createContext("/stalls/v1/chat/completions", e -> stream(e, 1, Ending.STALL));
        server.createContext("/slow-classifier/v1/classify", e -> {
            pause(2000);
            send(e, 200, "application/json", "{\"route\":\"reasoning\",\"score\":0.9,\"threshold\":0.5}");
        });
        // the classify route proxies the request's own path to the classifier's host
        server.createContext("/v1/classify", e -> {
            received.add(new Received(e.getRequestHeaders().getFirst("Authorization"), new String(e.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8)));
            send(e, 200, "application/json", "{\"route\":\"fast\",\"score\":0.1,\"threshold\":0.5}");
        });
        server.start();
    }

    public String url(String behaviour) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + behaviour + "/v1";
    }

    /** The base URL without {@code /v1}, for the classifier. */
    public String classifierUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/slow-classifier";
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    private void ok(HttpExchange e) throws IOException {
        String body = new String(e.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(e.getRequestHeaders().getFirst("Authorization"), body));
        if (body.contains("\"stream\":true")) {
            stream(e, 3, Ending.DONE);
            return;
        }
        send(e, 200, "application/json", "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"tiny-model\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hello from the provider\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4,\"total_tokens\":9}}");
    }

    private enum Ending { DONE, CLEAN, CUT, STALL }

    private static void stream(HttpExchange e, int chunks, Ending ending) throws IOException {
        e.getResponseHeaders().set("Content-Type", "text/event-stream");
        // a declared length the body never reaches: closing early cuts the connection mid-body
        e.sendResponseHeaders(200, ending == Ending.CUT ? 1_000_000 : 0);
        OutputStream out = e.getResponseBody();
        for (int i = 0; i < chunks; i++) {
            String chunk = "data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"tiny-model\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"part" + i + " \"},\"finish_reason\":null}]}\n\n";
            out.write(chunk.getBytes(StandardCharsets.UTF_8));
            out.flush();
            pause(50);
        }
        switch (ending) {
            case DONE -> {
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                out.close();
            }
            case CLEAN -> out.close();
            case CUT -> e.close();
            case STALL -> {
                pause(10_000);
                e.close();
            }
        }
    }

    private static void send(HttpExchange e, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().set("Content-Type", type);
        e.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** The upstream properties that put these fakes behind the gateway's routes and names. */
    public Map<String, String> properties() {
        return Map.ofEntries(
                Map.entry("rr.upstreams.ok.base-url", url("ok")),
                Map.entry("rr.upstreams.ok.kind", "openai"),
                Map.entry("rr.upstreams.ok.model", "tiny-model"),
                Map.entry("rr.upstreams.ok.api-key", "sk-upstream-secret-42"),
                Map.entry("rr.upstreams.fails.base-url", url("fails")),
                Map.entry("rr.upstreams.fails.model", "m"),
                Map.entry("rr.upstreams.rejects.base-url", url("rejects")),
                Map.entry("rr.upstreams.rejects.model", "m"),
                Map.entry("rr.upstreams.breaks.base-url", url("breaks")),
                Map.entry("rr.upstreams.breaks.model", "m"),
                Map.entry("rr.upstreams.ends.base-url", url("ends")),
                Map.entry("rr.upstreams.ends.model", "m"),
                Map.entry("rr.upstreams.stalls.base-url", url("stalls")),
                Map.entry("rr.upstreams.stalls.model", "m"),
                Map.entry("rr.routes.fast.upstream", "ok"),
                Map.entry("rr.routes.reasoning.upstream", "fails"));
    }
}
