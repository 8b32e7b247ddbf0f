import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gateway overhead at fixed concurrency: the same chat completion sent straight to the fast path, through the gateway
 * with {@code model: "fast"} (gateway only) and through the gateway with {@code model: "auto"} (gateway + classifier,
 * a routine prompt the classifier sends to the fast path, escalation off). Closed loop: C clients each send their next
 * request when the last one is answered. The targets take turns, round by round, so that the shared machine's noise
 * falls on all of them alike. Prints p50/p90/p99 per target and the overhead against the direct call.
 *
 * Run: java scripts/load/GatewayOverhead.java GATEWAY_URL FAST_PATH_URL API_KEY [concurrency] [requests-per-round] [rounds]
 */
public class GatewayOverhead {
    private static final String PROMPT = "What is the capital of France?";

    record Target(String name, URI uri, String body, String key) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java GatewayOverhead.java GATEWAY_URL FAST_PATH_URL API_KEY [concurrency=4] [requests=200] [rounds=5]");
            System.exit(2);
        }
        String gateway = args[0];
        String fast = args[1];
        String key = args[2];
        int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        int requests = args.length > 4 ? Integer.parseInt(args[4]) : 200;
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 5;
        String base = "\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}],\"max_tokens\":1,\"temperature\":0";
        List<Target> targets = List.of(
                new Target("direct to the fast path", URI.create(fast + "/v1/chat/completions"), "{\"model\":\"fast\"," + base + "}", null),
                new Target("gateway, model fast (no classifier)", URI.create(gateway + "/v1/chat/completions"),
                        "{\"model\":\"fast\"," + base + "}", key),
                new Target("gateway, model auto (classifier)", URI.create(gateway + "/v1/chat/completions"),
                        "{\"model\":\"auto\"," + base + ",\"rr\":{\"escalate\":false}}", key));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(concurrency)).build();

        System.out.printf("warming up (%d requests per target)…%n", requests / 2);
        for (Target t : targets) {
            run(http, t, concurrency, requests / 2);
        }
        Map<Target, List<Long>> all = new LinkedHashMap<>();
        targets.forEach(t -> all.put(t, new ArrayList<>()));
        for (int r = 1; r <= rounds; r++) {
            for (Target t : targets) {
                all.get(t).addAll(run(http, t, concurrency, requests));
            }
            System.out.printf("round %d of %d done%n", r, rounds);
        }

        long[] direct = sorted(all.get(targets.get(0)));
        System.out.printf(Locale.ROOT, "%nconcurrency %d, %d requests per target (%d rounds of %d), max_tokens 1%n%n", concurrency,
                requests * rounds, rounds, requests);
        System.out.println("| target | p50 ms | p90 ms | p99 ms | overhead p50 ms | overhead p99 ms |");
        System.out.println("|---|---|---|---|---|---|");
        for (Target t : targets) {
            long[] l = sorted(all.get(t));
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %s | %s |%n", t.name(), ms(pct(l, 50)), ms(pct(l, 90)), ms(pct(l, 99)),
                    t == targets.get(0) ? "–" : String.format(Locale.ROOT, "%+.1f", ms(pct(l, 50) - pct(direct, 50))),
                    t == targets.get(0) ? "–" : String.format(Locale.ROOT, "%+.1f", ms(pct(l, 99) - pct(direct, 99))));
        }
        System.exit(0);
    }

    /** {@code n} requests from {@code concurrency} closed-loop clients; returns each one's latency in nanoseconds. */
    private static List<Long> run(HttpClient http, Target t, int concurrency, int n) throws Exception {
        AtomicInteger left = new AtomicInteger(n);
        AtomicInteger failures = new AtomicInteger();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService clients = Executors.newFixedThreadPool(concurrency)) {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                done.add(clients.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        HttpRequest.Builder b = HttpRequest.newBuilder(t.uri()).timeout(Duration.ofSeconds(60))
                                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(t.body()));
                        if (t.key() != null) {
                            b.header("Authorization", "Bearer " + t.key());
                        }
                        long start = System.nanoTime();
                        try {
                            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                            long took = System.nanoTime() - start;
                            if (r.statusCode() == 200) {
                                latencies.add(took);
                            } else if (failures.incrementAndGet() <= 3) {
                                System.err.println(t.name() + ": HTTP " + r.statusCode() + " " + new String(r.body()));
                            }
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(t.name() + ": " + failures.get() + " of " + n + " requests failed");
        }
        return latencies;
    }

    private static long[] sorted(List<Long> l) {
        long[] a = l.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a;
    }

    private static long pct(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
