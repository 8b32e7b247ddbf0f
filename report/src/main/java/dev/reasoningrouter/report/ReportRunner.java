package dev.reasoningrouter.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends every query through one route at a fixed concurrency: a closed loop of {@code concurrency} clients, each
 * sending its next query when its last one is answered. Routes run one after another, so each route's latencies are
 * its own. A few warm-up requests per route (answers discarded) go first so the services' JIT warm-up does not land
 * in the measured tail.
 */
public final class ReportRunner {

    /** One route's answers, in query order, and the wall time they took. */
    public record RouteRun(Route route, List<Outcome> outcomes, double wallSeconds) {}

    private final GatewayClient client;
    private final int concurrency;
    private final int warmup;
    private final long seed;
    private final PrintStream progress;

    public ReportRunner(GatewayClient client, int concurrency, int warmup, long seed, PrintStream progress) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        this.client = client;
        this.concurrency = concurrency;
        this.warmup = Math.max(0, warmup);
        this.seed = seed;
        this.progress = progress;
    }

    public RouteRun run(Route route, List<Query> queries) throws InterruptedException {
        if (warmup > 0) {
            List<Query> w = new ArrayList<>();
            for (int i = 0; i < warmup; i++) {
                w.add(queries.get(i % queries.size()));
            }
            send(route, w, false);
        }
        long t0 = System.nanoTime();
        List<Outcome> outcomes = send(route, queries, true);
        return new RouteRun(route, outcomes, (System.nanoTime() - t0) / 1e9);
    }

    private List<Outcome> send(Route route, List<Query> queries, boolean counted) throws InterruptedException {
        Outcome[] out = new Outcome[queries.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger correct = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, Thread.ofPlatform().daemon().name("report-client-", 0).factory());
        try {
            for (int t = 0; t < concurrency; t++) {
                pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < queries.size()) {
                        // the same query gets the same seed on every route (greedy decoding ignores it)
                        Outcome o = client.send(route, queries.get(i), seed + i);
                        out[i] = o;
                        if (o.correct()) {
                            correct.incrementAndGet();
                        }
                        if (!o.ok()) {
                            errors.incrementAndGet();
                            if (counted && progress != null && errors.get() <= 3) {
                                progress.println("report: " + route.name() + ": " + o.error());
                            }
                        }
                        int d = done.incrementAndGet();
                        if (counted && progress != null && (d % 20 == 0 || d == queries.size())) {
                            progress.printf(Locale.ROOT, "report: %-16s %4d/%d answered, %d correct, %d errors%n", route.name(), d,
                                    queries.size(), correct.get(), errors.get());
                        }
                    }
                    return null;
                });
            }
        } finally {
            pool.shutdown();
        }
        if (!pool.awaitTermination(7, TimeUnit.DAYS)) {
            throw new IllegalStateException("the clients did not finish");
        }
        return Arrays.asList(out);
    }
}
