// A load generator for OpenAI-compatible chat completion endpoints, runnable as a single source file on JDK 25:
//
//   java scripts/load/ChatLoad.java --url http://127.0.0.1:8082 --concurrency 1,8 --requests 32 --max-tokens 32
//
// Each level runs `--requests` requests from `--concurrency` client threads (a closed loop: a thread sends its next
// request when its last one is answered), after `--warmup` requests that are not counted. Requests are streamed
// (with stream_options.include_usage) so that the time to first token is measured from the client's side.
// Prints per level: requests/s, completion tokens/s (all requests together), latency and time-to-first-token
// percentiles, each request's own tokens/s (min/median/max: no request should starve), errors by status; and the
// throughput ratio of each level to the first. --json FILE writes the same as JSON. Only JDK classes are used.
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class ChatLoad {
    static final Pattern COMPLETION_TOKENS = Pattern.compile("\"completion_tokens\"\\s*:\\s*(\\d+)");
    static final Pattern PROMPT_TOKENS = Pattern.compile("\"prompt_tokens\"\\s*:\\s*(\\d+)");

    record Sample(int status, long latencyNanos, long ttftNanos, int completionTokens, int promptTokens, String error) {}

    record Level(int concurrency, int requests, double seconds, List<Sample> samples) {
        List<Sample> ok() {
            return samples.stream().filter(s -> s.status == 200 && s.error == null).toList();
        }

        double tokensPerSecond() {
            return ok().stream().mapToInt(Sample::completionTokens).sum() / seconds;
        }
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = args(argv);
        String url = a.getOrDefault("url", "http://127.0.0.1:8080").replaceAll("/+$", "");
        String endpoint = url + a.getOrDefault("path", "/v1/chat/completions");
        int[] levels = Arrays.stream(a.getOrDefault("concurrency", "1,8").split(",")).mapToInt(Integer::parseInt).toArray();
        int requests = Integer.parseInt(a.getOrDefault("requests", "32"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "4"));
        int maxTokens = Integer.parseInt(a.getOrDefault("max-tokens", "32"));
        double temperature = Double.parseDouble(a.getOrDefault("temperature", "0"));
        String model = a.get("model");
        boolean stream = !a.containsKey("no-stream");
        String key = a.getOrDefault("api-key", System.getenv("RR_API_KEY"));
        String extra = a.getOrDefault("extra", ""); // raw JSON members appended to each body, e.g. "rr":{"max_rounds":1}
        List<String> prompts = prompts(a);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();

        List<Level> results = new ArrayList<>();
        for (int c : levels) {
            run(http, endpoint, key, prompts, model, maxTokens, temperature, stream, extra, warmup, c, 1000); // not counted
            long t0 = System.nanoTime();
            List<Sample> s = run(http, endpoint, key, prompts, model, maxTokens, temperature, stream, extra, requests, c, 0);
            results.add(new Level(c, requests, (System.nanoTime() - t0) / 1e9, s));
        }
        String table = report(results, endpoint, maxTokens, stream);
        System.out.print(table);
        if (a.containsKey("json")) {
            Files.writeString(Path.of(a.get("json")), json(results, endpoint, maxTokens, stream));
        }
    }

    static List<Sample> run(HttpClient http, String endpoint, String key, List<String> prompts, String model, int maxTokens,
                            double temperature, boolean stream, String extra, int requests, int concurrency, int seedBase)
            throws InterruptedException {
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < concurrency; t++) {
                pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < requests) {
                        String prompt = prompts.get(i % prompts.size());
                        samples.add(one(http, endpoint, key, body(prompt, model, maxTokens, temperature, stream, extra, seedBase + i), stream));
                    }
                });
            }
        }
        return new ArrayList<>(samples);
    }

    static String body(String prompt, String model, int maxTokens, double temperature, boolean stream, String extra, int seed) {
        StringBuilder b = new StringBuilder("{");
        if (model != null) {
            b.append("\"model\":").append(quote(model)).append(',');
        }
        b.append("\"messages\":[{\"role\":\"user\",\"content\":").append(quote(prompt)).append("}],")
                .append("\"max_tokens\":").append(maxTokens).append(",\"temperature\":").append(temperature)
                .append(",\"seed\":").append(seed);
        if (stream) {
            b.append(",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        }
        if (!extra.isBlank()) {
            b.append(',').append(extra);
        }
        return b.append('}').toString();
    }

    static Sample one(HttpClient http, String endpoint, String key, String body, boolean stream) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(endpoint)).timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null && !key.isBlank()) {
            r.header("Authorization", "Bearer " + key);
        }
        long t0 = System.nanoTime();
        try {
            HttpResponse<java.io.InputStream> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofInputStream());
            long ttft = -1;
            int completion = 0;
            int prompt = 0;
            String error = null;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
                String line;
                StringBuilder whole = new StringBuilder();
                while ((line = in.readLine()) != null) {
                    if (stream && line.startsWith("data: ")) {
                        String data = line.substring(6);
                        if (ttft < 0 && (data.contains("\"content\":\"") || data.contains("\"reasoning_content\":\""))) {
                            ttft = System.nanoTime() - t0;
                        }
                        if (data.startsWith("{\"error\"")) {
                            error = data;
                        }
                        Matcher m = COMPLETION_TOKENS.matcher(data);
                        if (m.find()) {
                            completion = Integer.parseInt(m.group(1));
                        }
                        Matcher p = PROMPT_TOKENS.matcher(data);
                        if (p.find()) {
                            prompt = Integer.parseInt(p.group(1));
                        }
                    } else {
                        whole.append(line);
                    }
                }
                if (!stream || resp.statusCode() != 200) {
                    Matcher m = COMPLETION_TOKENS.matcher(whole);
                    completion = m.find() ? Integer.parseInt(m.group(1)) : 0;
                    Matcher p = PROMPT_TOKENS.matcher(whole);
                    prompt = p.find() ? Integer.parseInt(p.group(1)) : 0;
                    if (resp.statusCode() != 200) {
                        error = whole.length() > 200 ? whole.substring(0, 200) : whole.toString();
                    }
                }
            }
            long latency = System.nanoTime() - t0;
            return new Sample(resp.statusCode(), latency, ttft < 0 ? latency : ttft, completion, prompt, error);
        } catch (IOException | InterruptedException e) {
            return new Sample(0, System.nanoTime() - t0, -1, 0, 0, e.toString());
        }
    }

    static String report(List<Level> levels, String endpoint, int maxTokens, boolean stream) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "endpoint %s, max_tokens %d, %s%n", endpoint, maxTokens, stream ? "streamed" : "plain JSON"));
        b.append(String.format(Locale.ROOT, "%5s %6s %8s %9s %9s %9s %9s %9s %9s %20s %7s  %s%n", "conc", "reqs", "req/s",
                "tok/s", "lat p50", "lat p99", "ttft p50", "ttft p99", "x first", "per-req tok/s min/med/max", "errors", "statuses"));
        double base = levels.getFirst().tokensPerSecond();
        for (Level l : levels) {
            List<Sample> ok = l.ok();
            List<Double> lat = ok.stream().map(s -> s.latencyNanos / 1e6).sorted().toList();
            List<Double> ttft = ok.stream().map(s -> s.ttftNanos / 1e6).sorted().toList();
            List<Double> per = ok.stream().filter(s -> s.completionTokens > 0)
                    .map(s -> s.completionTokens / ((s.latencyNanos - s.ttftNanos) / 1e9 + 1e-9) ).sorted().toList();
            Map<Integer, Integer> statuses = new TreeMap<>();
            l.samples.forEach(s -> statuses.merge(s.status, 1, Integer::sum));
            b.append(String.format(Locale.ROOT, "%5d %6d %8.2f %9.1f %9.1f %9.1f %9.1f %9.1f %9.2f %20s %7d  %s%n",
                    l.concurrency, l.requests, ok.size() / l.seconds, l.tokensPerSecond(), pct(lat, 50), pct(lat, 99),
                    pct(ttft, 50), pct(ttft, 99), l.tokensPerSecond() / base,
                    String.format(Locale.ROOT, "%.1f/%.1f/%.1f", pct(per, 0), pct(per, 50), pct(per, 100)),
                    l.samples.size() - ok.size(), statuses));
        }
        b.append("latencies and times to first token in ms; tok/s = completion tokens of all requests / wall time\n");
        return b.toString();
    }

    static String json(List<Level> levels, String endpoint, int maxTokens, boolean stream) {
        StringBuilder b = new StringBuilder("{\"endpoint\":").append(quote(endpoint)).append(",\"max_tokens\":").append(maxTokens)
                .append(",\"stream\":").append(stream).append(",\"levels\":[");
        for (int i = 0; i < levels.size(); i++) {
            Level l = levels.get(i);
            List<Sample> ok = l.ok();
            List<Double> lat = ok.stream().map(s -> s.latencyNanos / 1e6).sorted().toList();
            List<Double> ttft = ok.stream().map(s -> s.ttftNanos / 1e6).sorted().toList();
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"concurrency\":%d,\"requests\":%d,\"ok\":%d,\"seconds\":%.3f,\"tokens_per_second\":%.3f,"
                            + "\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f},"
                            + "\"ttft_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f},\"completion_tokens\":%d}",
                    l.concurrency, l.requests, ok.size(), l.seconds, l.tokensPerSecond(), pct(lat, 50), pct(lat, 90),
                    pct(lat, 99), pct(lat, 100), pct(ttft, 50), pct(ttft, 90), pct(ttft, 99),
                    ok.stream().mapToInt(Sample::completionTokens).sum()));
        }
        return b.append("]}\n").toString();
    }

    static double pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    static List<String> prompts(Map<String, String> a) throws IOException {
        if (a.containsKey("prompts")) {
            List<String> lines = Files.readAllLines(Path.of(a.get("prompts"))).stream().filter(l -> !l.isBlank()).toList();
            if (lines.isEmpty()) {
                throw new IllegalArgumentException("no prompts in " + a.get("prompts"));
            }
            return lines;
        }
        if (a.containsKey("prompt")) {
            return List.of(a.get("prompt"));
        }
        return List.of("What is the capital of France?", "Translate 'good morning' into Spanish.",
                "Give me a synonym for happy.", "What is 12 + 30?", "Name a primary colour.",
                "Summarise: the cat sat on the mat.", "Is water wet?", "Spell 'necessary'.");
    }

    static Map<String, String> args(String[] argv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + argv[i] + "; options are --name value");
            }
            String k = argv[i].substring(2);
            if (k.equals("no-stream")) {
                m.put(k, "true");
            } else if (i + 1 < argv.length) {
                m.put(k, argv[++i]);
            } else {
                throw new IllegalArgumentException("--" + k + " needs a value");
            }
        }
        return m;
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
