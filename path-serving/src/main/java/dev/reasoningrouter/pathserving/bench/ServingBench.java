package dev.reasoningrouter.pathserving.bench;

import dev.reasoningrouter.engine.generate.BatchingGenerator;
import dev.reasoningrouter.engine.generate.SamplingParams;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.serving.BackendChoice;
import dev.reasoningrouter.engine.serving.ChatCall;
import dev.reasoningrouter.engine.serving.ChatOutcome;
import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import dev.reasoningrouter.pathserving.batching.AdaptiveBatchLimit;
import dev.reasoningrouter.pathserving.power.EnergyMeter;
import dev.reasoningrouter.pathserving.power.GpuSample;
import dev.reasoningrouter.pathserving.power.GpuTelemetry;
import dev.reasoningrouter.pathserving.power.NvidiaSmi;
import dev.reasoningrouter.pathserving.power.PowerGuard;
import dev.reasoningrouter.pathserving.power.RaplEnergy;
import dev.reasoningrouter.pathserving.power.TelemetryUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The serving core under load, without HTTP: a {@link ModelHost} with the path services' continuous batching and
 * adaptive batch limit, driven by C closed-loop clients (each sends its next chat call when the last is answered),
 * at each concurrency level. Every request generates exactly {@code --max-tokens} tokens (end of sequence ignored), so
 * levels compare like for like. Reports total and per-request tokens/s, time to first token, batch sizes, and, where the
 * machine reports energy (nvidia-smi when the model runs on a GPU, else RAPL), joules, tokens per joule, power and
 * the batch limit's decisions. {@code --fast-share S} runs that share of the clients at one routed expert and the rest
 * at the full top-k, in the same batches (each row carries its own budget); "step ms" is the mean decode-step time, so
 * a mixed batch's cost per step compares with an all-full one's.
 *
 * <pre>java -cp ... dev.reasoningrouter.pathserving.bench.ServingBench MODEL.gguf [--backend auto|cpu|cuda]
 *     [--concurrency 1,8] [--requests 32] [--max-tokens 64] [--max-batch 8] [--target-tpot-ms 250] [--threads 0] [--fast-share 0.5]</pre>
 */
public final class ServingBench {
    private static final List<String> PROMPTS = List.of("What is the capital of France?", "Translate 'good morning' into Spanish.",
            "Give me a synonym for happy.", "What is 12 + 30?", "Name a primary colour.", "Summarise: the cat sat on the mat.",
            "Is water wet?", "Spell 'necessary'.");

    private ServingBench() {}

    record Level(int concurrency, int requests, double seconds, long tokens, List<Double> ttftMs, List<Double> perRequestTps,
                 double joules, double meanRows, double stepMs) {}

    public static void main(String[] argv) throws Exception {
        if (argv.length < 1 || argv[0].startsWith("--")) {
            System.err.println("usage: ServingBench MODEL [--backend auto|cpu|cuda] [--concurrency 1,8] [--requests 32] "
                    + "[--max-tokens 64] [--max-batch 8] [--target-tpot-ms 250] [--threads 0] [--fast-share 0..1]");
            System.exit(2);
        }
        Path model = Path.of(argv[0]);
        String backend = opt(argv, "backend", "auto");
        int[] levels = java.util.Arrays.stream(opt(argv, "concurrency", "1,8").split(",")).mapToInt(Integer::parseInt).toArray();
        int requests = Integer.parseInt(opt(argv, "requests", "32"));
        int maxTokens = Integer.parseInt(opt(argv, "max-tokens", "64"));
        int maxBatch = Integer.parseInt(opt(argv, "max-batch", "8"));
        int threads = Integer.parseInt(opt(argv, "threads", "0"));
        Duration target = Duration.ofMillis(Long.parseLong(opt(argv, "target-tpot-ms", "250")));
        // share of the clients that run at one routed expert (the fast path's budget); the others at the full top-k
        double fastShare = Double.parseDouble(opt(argv, "fast-share", "0"));

        try (GpuTelemetry gpu = new GpuTelemetry(new NvidiaSmi("nvidia-smi"), Duration.ofMillis(250))) {
            AdaptiveBatchLimit limit = new AdaptiveBatchLimit(maxBatch, target, new PowerGuard(gpu::latest, 0.95, 85));
            AtomicLong rows = new AtomicLong();
            AtomicLong steps = new AtomicLong();
            AtomicLong stepNanos = new AtomicLong();
            BatchingGenerator.StepListener counting = (r, nanos) -> {
                rows.addAndGet(r);
                steps.incrementAndGet();
                stepNanos.addAndGet(nanos);
            };
            try (ModelHost host = ModelHost.open(new ModelHost.Options(model, null, threads, maxBatch, BackendChoice.resolve(backend)),
                    limit, counting)) {
                EnergyMeter energy = energy(host, gpu);
                System.out.printf(Locale.ROOT, "model %s on %s; max batch %d, target TPOT %d ms; energy: %s; GPU: %s%n",
                        host.modelName(), host.backendName(), maxBatch, target.toMillis(), energy.source(),
                        gpu.available() ? gpu.latest().map(ServingBench::describe).orElse("?") : gpu.unavailableReason());
                ExpertBudget full = ExpertBudget.full(host.config());
                ExpertBudget one = ExpertBudget.of(1, host.config());
                System.out.printf(Locale.ROOT, "expert budgets: %.0f%% of the clients at k=1, the rest at k=%d%n", fastShare * 100,
                        full.experts());
                run(host, full, one, 0, 1, Math.min(8, requests), maxTokens, energy, rows, steps, stepNanos); // warm-up
                List<Level> results = new ArrayList<>();
                for (int c : levels) {
                    results.add(run(host, full, one, fastShare, c, requests, maxTokens, energy, rows, steps, stepNanos));
                }
                System.out.printf(Locale.ROOT, "%5s %6s %9s %8s %9s %9s %22s %9s %9s %9s %9s%n", "conc", "reqs", "tok/s", "x first",
                        "ttft p50", "ttft p99", "per-req tok/s min/med/max", "mean rows", "step ms", "joules", "tok/J");
                for (Level l : results) {
                    double tps = l.tokens() / l.seconds();
                    System.out.printf(Locale.ROOT, "%5d %6d %9.1f %8.2f %9.1f %9.1f %22s %9.2f %9.2f %9s %9s%n", l.concurrency(),
                            l.requests(), tps, tps / (results.getFirst().tokens() / results.getFirst().seconds()),
                            pct(l.ttftMs(), 50), pct(l.ttftMs(), 99),
                            String.format(Locale.ROOT, "%.1f/%.1f/%.1f", pct(l.perRequestTps(), 0), pct(l.perRequestTps(), 50),
                                    pct(l.perRequestTps(), 100)), l.meanRows(), l.stepMs(),
                            Double.isNaN(l.joules()) ? "-" : String.format(Locale.ROOT, "%.1f", l.joules()),
                            Double.isNaN(l.joules()) ? "-" : String.format(Locale.ROOT, "%.2f", l.tokens() / l.joules()));
                }
                AdaptiveBatchLimit.Decision d = limit.decision();
                System.out.printf(Locale.ROOT, "batch limit now %d (last change: %s); changes: tpot-down %d, tpot-up %d, power %d, temperature %d%n",
                        d.limit(), d.cause(), limit.changes("tpot-down"), limit.changes("tpot-up"), limit.changes("power"),
                        limit.changes("temperature"));
                gpu.latest().ifPresent(s -> System.out.println("GPU after the run: " + describe(s)));
            }
        }
    }

    private static EnergyMeter energy(ModelHost host, GpuTelemetry gpu) {
        if (host.backend().equals("cuda") && gpu.available()) {
            return gpu.energy();
        }
        try {
            return RaplEnergy.open(Path.of("/sys/class/powercap"));
        } catch (TelemetryUnavailableException e) {
            return EnergyMeter.none(e.getMessage());
        }
    }

    private static Level run(ModelHost host, ExpertBudget full, ExpertBudget one, double fastShare, int concurrency, int requests,
                             int maxTokens, EnergyMeter energy, AtomicLong rows, AtomicLong steps, AtomicLong stepNanos)
            throws InterruptedException {
        ConcurrentLinkedQueue<ChatOutcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        double j0 = energy.joules().orElse(Double.NaN);
        long rows0 = rows.get();
        long steps0 = steps.get();
        long nanos0 = stepNanos.get();
        long t0 = System.nanoTime();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            int fastClients = (int) Math.round(fastShare * concurrency);
            for (int t = 0; t < concurrency; t++) {
                ExpertBudget budget = t < fastClients ? one : full;
                pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < requests) {
                        List<ChatTurn> turns = List.of(new ChatTurn("user", PROMPTS.get(i % PROMPTS.size())));
                        // ignore EOS: every request generates exactly maxTokens, so levels compare like for like
                        SamplingParams s = SamplingParams.greedy(maxTokens).withIgnoreEos(true);
                        outcomes.add(host.chat(ChatCall.of(turns, s, budget), null, null));
                    }
                });
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double joules = energy.joules().orElse(Double.NaN) - j0;
        List<Double> ttft = new ArrayList<>();
        List<Double> perRequest = new ArrayList<>();
        long tokens = 0;
        for (ChatOutcome o : outcomes) {
            tokens += o.completionTokens();
            ttft.add(o.ttftNanos() / 1e6);
            double decode = (o.totalNanos() - o.ttftNanos()) / 1e9;
            if (o.completionTokens() > 1 && decode > 0) {
                perRequest.add((o.completionTokens() - 1) / decode);
            }
        }
        Collections.sort(ttft);
        Collections.sort(perRequest);
        long dSteps = steps.get() - steps0;
        return new Level(concurrency, requests, seconds, tokens, ttft, perRequest, joules,
                dSteps == 0 ? 0 : (double) (rows.get() - rows0) / dSteps,
                dSteps == 0 ? 0 : (stepNanos.get() - nanos0) / 1e6 / dSteps);
    }

    private static String describe(GpuSample s) {
        return String.format(Locale.ROOT, "%.0f W of %.0f W, %.0f C (%d GPU%s)", s.powerWatts(), s.powerLimitWatts(),
                s.temperatureC(), s.gpus(), s.gpus() == 1 ? "" : "s");
    }

    private static double pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static String opt(String[] argv, String name, String dflt) {
        for (int i = 1; i < argv.length - 1; i++) {
            if (argv[i].equals("--" + name)) {
                return argv[i + 1];
            }
        }
        return dflt;
    }
}
