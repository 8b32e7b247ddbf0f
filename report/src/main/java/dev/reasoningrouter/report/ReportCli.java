package dev.reasoningrouter.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./rr report}: sends a labelled query set through the running gateway on every route and writes the cost-quality
 * report (Markdown, JSON, SVG).
 */
public final class ReportCli {
    static final String HELP = """
            usage: ./rr report [options]
              --url URL              the gateway (default http://127.0.0.1:$RR_GATEWAY_PORT, else :8080)
              --key KEY              the API key (default $RR_API_KEY, else the first of $RR_API_KEYS, else the run
                                     folder's dev-api-key: $RR_RUN_DIR/dev-api-key)
              --queries FILE         JSON lines {"kind","level","question","answer"} (default: the trainer's held-out set)
              --seed S               held-out set seed (default 7, as ./rr train heldout)
              --per-cell N           held-out questions per kind and level (default 5)
              --routes LIST          auto,fast,reasoning,reasoning-single (default all four)
              --concurrency N        clients at once (default 4)
              --max-tokens N         max_tokens of every request (default 512)
              --temperature T|default  temperature of every request (default 0: greedy; 'default' = the paths' own)
              --warmup N             uncounted requests per route before its run (default 2)
              --timeout SECONDS      the longest wait for one answer (default 600)
              --out DIR              where report.md, report.json, items.jsonl and the SVG figures go (default docs/report)
              --help                 this text
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    public ReportCli(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(new ReportCli(System.out, System.err, System.getenv()).run(args));
    }

    /** Runs the report; 0 = written, 1 = failed, 2 = bad usage, 3 = written but a route got no answer at all. */
    public int run(String[] args) {
        Map<String, String> o;
        try {
            o = options(args);
        } catch (IllegalArgumentException e) {
            err.println("report: " + e.getMessage());
            err.print(HELP);
            return 2;
        }
        if (o.containsKey("help")) {
            out.print(HELP);
            return 0;
        }
        JsonMapper json = JsonMapper.builder().build();
        try {
            String url = o.getOrDefault("url", "http://127.0.0.1:" + env.getOrDefault("RR_GATEWAY_PORT", "8080"));
            String key = o.containsKey("key") ? o.get("key") : defaultKey();
            List<Route> routes = Route.parse(o.getOrDefault("routes", "auto,fast,reasoning,reasoning-single"));
            int concurrency = positive(o, "concurrency", 4);
            int maxTokens = positive(o, "max-tokens", 512);
            String t = o.getOrDefault("temperature", "0");
            Double temperature = t.equals("default") ? null : Double.parseDouble(t);
            int warmup = Integer.parseInt(o.getOrDefault("warmup", "2"));
            Duration timeout = Duration.ofSeconds(positive(o, "timeout", 600));
            Path outDir = Path.of(o.getOrDefault("out", "docs/report"));
            long seed = Long.parseLong(o.getOrDefault("seed", "7"));
            List<Query> queries;
            String querySet;
            if (o.containsKey("queries")) {
                if (o.containsKey("per-cell")) {
                    throw new IllegalArgumentException("--per-cell applies to the held-out set, not to --queries");
                }
                Path file = Path.of(o.get("queries"));
                queries = Query.readJsonLines(file, json);
                querySet = queries.size() + " queries from " + file;
            } else {
                int perCell = positive(o, "per-cell", 5);
                queries = Query.heldOut(seed, perCell);
                querySet = String.format(Locale.ROOT, "the trainer's held-out set (`./rr train heldout --seed %d --per-cell %d`): "
                        + "%d queries, %d kinds × %d levels × %d", seed, perCell, queries.size(),
                        queries.stream().map(Query::kind).distinct().count(), queries.stream().map(Query::level).distinct().count(), perCell);
            }
            GatewayClient client = new GatewayClient(url, key, new GatewayClient.Settings(maxTokens, temperature, timeout), json);
            out.printf(Locale.ROOT, "report: %d queries × %d routes (%s) through %s, concurrency %d%n", queries.size(), routes.size(),
                    String.join(", ", routes.stream().map(Route::name).toList()), client.endpoint(), concurrency);
            Instant started = Instant.now();
            List<ReportRunner.RouteRun> runs = new ArrayList<>();
            List<Double> load;
            try (LoadSampler sampler = new LoadSampler(Path.of("/proc/loadavg"), 5000)) {
                ReportRunner runner = new ReportRunner(client, concurrency, warmup, seed, out);
                for (Route r : routes) {
                    runs.add(runner.run(r, queries));
                }
                sampler.close();
                load = sampler.samples();
            }
            Instant finished = Instant.now();
            List<RouteSummary> summaries = Aggregation.summarise(runs);
            List<Goals.Verdict> goals = Goals.check(summaries);
            ReportWriter.Context ctx = new ReportWriter.Context(command(args), started.truncatedTo(ChronoUnit.SECONDS).toString(),
                    finished.truncatedTo(ChronoUnit.SECONDS).toString(), client.endpoint().toString(), querySet, concurrency, maxTokens,
                    temperature, warmup, Runtime.getRuntime().availableProcessors(), load);
            List<Path> files = new ReportWriter(json).write(outDir, ctx, runs, summaries, goals);
            for (RouteSummary s : summaries) {
                out.printf(Locale.ROOT, "report: %-16s accuracy %5.1f %%  cost %8.1f M active-param tokens/answer  p50 %6.2f s  p99 %6.2f s  errors %d%n",
                        s.route(), 100 * s.accuracy().rate(), s.activeParamTokensPerAnswer() / 1e6, s.latencyP50Ms() / 1000,
                        s.latencyP99Ms() / 1000, s.errors());
            }
            for (Goals.Verdict v : goals) {
                out.println("report: goal: " + v.goal() + ": " + v.label() + " (" + v.figures() + ")");
            }
            out.println("report: wrote " + String.join(", ", files.stream().map(Path::toString).toList()));
            boolean silentRoute = summaries.stream().anyMatch(s -> s.answered() == 0);
            if (silentRoute) {
                err.println("report: a route got no answer at all; see items.jsonl for the errors");
                return 3;
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("report: " + e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("report: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("report: interrupted");
            return 1;
        }
    }

    /** $RR_API_KEY, else the first of $RR_API_KEYS, else the run folder's development key, else none (an open API). */
    String defaultKey() throws IOException {
        String k = env.get("RR_API_KEY");
        if (k != null && !k.isBlank()) {
            return k.strip();
        }
        String keys = env.get("RR_API_KEYS");
        if (keys != null && !keys.isBlank()) {
            return keys.split(",")[0].strip();
        }
        Path file = Path.of(env.getOrDefault("RR_RUN_DIR", "run")).resolve("dev-api-key");
        return Files.isReadable(file) ? Files.readString(file).strip() : null;
    }

    private static final Set<String> KNOWN = Set.of("url", "key", "queries", "seed", "per-cell", "routes", "concurrency", "max-tokens",
            "temperature", "warmup", "timeout", "out");

    static Map<String, String> options(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h") || a.equals("help")) {
                m.put("help", "true");
                continue;
            }
            if (!a.startsWith("--") || !KNOWN.contains(a.substring(2))) {
                throw new IllegalArgumentException("unknown option '" + a + "'");
            }
            String name = a.substring(2);
            if (!seen.add(name)) {
                throw new IllegalArgumentException("--" + name + " given twice");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            m.put(name, args[++i]);
        }
        return m;
    }

    private static int positive(Map<String, String> o, String name, int fallback) {
        String v = o.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new IllegalArgumentException("--" + name + " must be at least 1, got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " takes a whole number, got '" + v + "'");
        }
    }

    /** The command line as the report shows it (the API key never). */
    static String command(String[] args) {
        StringBuilder b = new StringBuilder("./rr report");
        for (int i = 0; i < args.length; i++) {
            b.append(' ').append(args[i]);
            if (args[i].equals("--key") && i + 1 < args.length) {
                b.append(" …");
                i++;
            }
        }
        return b.toString();
    }
}
