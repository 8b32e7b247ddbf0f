package dev.reasoningrouter.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import tools.jackson.databind.json.JsonMapper;

/** Writes a report's files: {@code report.md}, {@code report.json}, {@code items.jsonl} and the SVG figures. */
public final class ReportWriter {
    public static final String COST_ACCURACY = "cost-accuracy.svg";
    public static final String ACCURACY_BY_LEVEL = "accuracy-by-level.svg";
    public static final String LATENCY = "latency.svg";

    /**
     * What the report was run on and with.
     *
     * @param command     the command line
     * @param started     ISO-8601 UTC
     * @param finished    ISO-8601 UTC
     * @param gateway     the chat completions endpoint
     * @param querySet    where the queries came from
     * @param concurrency clients at once
     * @param maxTokens   {@code max_tokens} per request
     * @param temperature the requests' temperature (null: the paths' defaults)
     * @param warmup      uncounted requests per route before its run
     * @param cpus        the machine's processors as the JVM sees them
     * @param load        1-minute load averages sampled during the run
     */
    public record Context(String command, String started, String finished, String gateway, String querySet, int concurrency,
                          int maxTokens, Double temperature, int warmup, int cpus, List<Double> load) {}

    private final JsonMapper json;

    public ReportWriter(JsonMapper json) {
        this.json = json;
    }

    /** Writes every file into {@code dir} (made when missing) and returns the files written. */
    public List<Path> write(Path dir, Context ctx, List<ReportRunner.RouteRun> runs, List<RouteSummary> routes,
                            List<Goals.Verdict> goals) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        written.add(write(dir.resolve("report.md"), markdown(ctx, routes, goals)));
        written.add(write(dir.resolve("report.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(jsonReport(ctx, routes, goals)) + "\n"));
        StringBuilder items = new StringBuilder();
        for (ReportRunner.RouteRun run : runs) {
            for (Outcome o : run.outcomes()) {
                items.append(json.writeValueAsString(item(o))).append('\n');
            }
        }
        written.add(write(dir.resolve("items.jsonl"), items.toString()));
        written.add(write(dir.resolve(COST_ACCURACY), Plots.costAccuracy(routes)));
        written.add(write(dir.resolve(ACCURACY_BY_LEVEL), Plots.accuracyByLevel(routes)));
        written.add(write(dir.resolve(LATENCY), Plots.latency(routes)));
        return written;
    }

    private static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        return file;
    }

    // --- JSON ---------------------------------------------------------------------------------------------

    static Map<String, Object> jsonReport(Context ctx, List<RouteSummary> routes, List<Goals.Verdict> goals) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("command", ctx.command());
        root.put("started", ctx.started());
        root.put("finished", ctx.finished());
        root.put("gateway", ctx.gateway());
        root.put("querySet", ctx.querySet());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("concurrency", ctx.concurrency());
        settings.put("maxTokens", ctx.maxTokens());
        settings.put("temperature", ctx.temperature());
        settings.put("warmupPerRoute", ctx.warmup());
        root.put("settings", settings);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpus", ctx.cpus());
        machine.put("loadAverage1m", loadFigures(ctx.load()));
        root.put("machine", machine);
        List<Map<String, Object>> rs = new ArrayList<>();
        for (RouteSummary r : routes) {
            rs.add(route(r));
        }
        root.put("routes", rs);
        List<Map<String, Object>> gs = new ArrayList<>();
        for (Goals.Verdict v : goals) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("goal", v.goal());
            g.put("met", v.met());
            g.put("figures", v.figures());
            gs.add(g);
        }
        root.put("goals", gs);
        return root;
    }

    static Map<String, Object> loadFigures(List<Double> load) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", load.size());
        if (!load.isEmpty()) {
            m.put("min", round(load.stream().mapToDouble(Double::doubleValue).min().orElseThrow(), 2));
            m.put("mean", round(load.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), 2));
            m.put("max", round(load.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), 2));
        }
        return m;
    }

    static Map<String, Object> route(RouteSummary r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("route", r.route());
        m.put("model", r.model());
        m.put("description", r.description());
        m.put("queries", r.queries());
        m.put("answered", r.answered());
        m.put("errors", r.errors());
        m.put("answeredBy", r.answeredBy());
        Map<String, Object> share = new LinkedHashMap<>();
        r.answeredBy().keySet().forEach(k -> share.put(k, round(r.share(k), 4)));
        m.put("share", share);
        m.put("escalated", r.escalated());
        m.put("degraded", r.degraded());
        m.put("accuracy", accuracy(r.accuracy()));
        Map<String, Object> levels = new LinkedHashMap<>();
        r.byLevel().forEach((k, v) -> levels.put(Integer.toString(k), accuracy(v)));
        m.put("byLevel", levels);
        Map<String, Object> kinds = new LinkedHashMap<>();
        r.byKind().forEach((k, v) -> kinds.put(k, accuracy(v)));
        m.put("byKind", kinds);
        m.put("activeParamsPerToken", round(r.activeParamsPerToken(), 0));
        m.put("activeParamTokensPerAnswer", round(r.activeParamTokensPerAnswer(), 0));
        m.put("escalationDraftParamTokensPerAnswer", round(r.escalationDraftParamTokensPerAnswer(), 0));
        m.put("escalationDraftsMeasured", r.escalationDraftsMeasured());
        m.put("meanPromptTokens", round(r.meanPromptTokens(), 2));
        m.put("meanCompletionTokens", round(r.meanCompletionTokens(), 2));
        m.put("meanReasoningTokens", round(r.meanReasoningTokens(), 2));
        m.put("verifiedAnswers", r.verifiedAnswers());
        m.put("meanVerificationRounds", round(r.meanVerificationRounds(), 3));
        m.put("verifiers", r.verifiers());
        Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("p50", round(r.latencyP50Ms(), 1));
        lat.put("p99", round(r.latencyP99Ms(), 1));
        lat.put("mean", round(r.latencyMeanMs(), 1));
        m.put("latencyMs", lat);
        m.put("wallSeconds", round(r.wallSeconds(), 2));
        m.put("answersPerSecond", round(r.answersPerSecond(), 3));
        return m;
    }

    static Map<String, Object> accuracy(Accuracy a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rate", round(a.rate(), 4));
        m.put("correct", a.correct());
        m.put("total", a.total());
        m.put("low95", round(a.low(), 4));
        m.put("high95", round(a.high(), 4));
        return m;
    }

    static Map<String, Object> item(Outcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("route", o.route());
        m.put("kind", o.query().kind());
        m.put("level", o.query().level());
        m.put("question", o.query().question());
        m.put("answer", o.query().answer());
        m.put("got", o.extractedAnswer());
        m.put("correct", o.correct());
        m.put("answeredBy", o.answeredBy());
        m.put("routeSource", o.routeSource());
        m.put("escalated", o.escalated());
        m.put("status", o.status());
        m.put("latencyMs", round(o.latencyNanos() / 1e6, 1));
        m.put("promptTokens", o.promptTokens());
        m.put("completionTokens", o.completionTokens());
        m.put("reasoningTokens", o.reasoningTokens());
        m.put("activeParamsPerToken", o.activeParamsPerToken());
        m.put("verificationRounds", o.verificationRounds() < 0 ? null : o.verificationRounds());
        m.put("verifier", o.verifier());
        if (o.error() != null) {
            m.put("error", o.error());
        }
        return m;
    }

    /** null for NaN (JSON has no NaN). */
    static Double round(double v, int digits) {
        if (!Double.isFinite(v)) {
            return null;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    // --- Markdown -----------------------------------------------------------------------------------------

    static String markdown(Context ctx, List<RouteSummary> routes, List<Goals.Verdict> goals) {
        StringBuilder b = new StringBuilder();
        b.append("# Platform cost-quality report\n\n");
        b.append("`").append(ctx.command()).append("`, ").append(ctx.started()).append(" – ").append(ctx.finished()).append(".\n\n");
        b.append("- gateway: ").append(ctx.gateway()).append('\n');
        b.append("- queries: ").append(ctx.querySet()).append('\n');
        b.append(String.format(Locale.ROOT, "- %d concurrent clients, `max_tokens` %d, temperature %s, %d warm-up requests per route (not counted)%n",
                ctx.concurrency(), ctx.maxTokens(), ctx.temperature() == null ? "the paths' defaults" : Plots.number(ctx.temperature()), ctx.warmup()));
        Map<String, Object> load = loadFigures(ctx.load());
        b.append(String.format(Locale.ROOT, "- machine: %d CPUs; 1-minute load average during the run %s%n", ctx.cpus(),
                ctx.load().isEmpty() ? "not available" : load.get("min") + "–" + load.get("max") + " (mean " + load.get("mean") + ")"));
        b.append("\nEvery query goes through the gateway once per route; an answer is correct when its final answer equals the known one ")
                .append("(the trainer's `AnswerChecker`); errors count as wrong. Cost per answer = the answering path's active parameters per ")
                .append("token × (prompt + completion tokens) from the response's `rr` object and `usage`; an `auto` answer that the gateway ")
                .append("escalated also pays for its fast draft (priced from the `fast` route's answer to the same query).\n\n");

        b.append("## Per route\n\n");
        b.append("| route | share of traffic | accuracy (95 % interval) | active params / token | active-param tokens / answer | ")
                .append("latency p50 / p99 | completion tokens | reasoning tokens | verification rounds | errors |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (RouteSummary r : routes) {
            b.append(String.format(Locale.ROOT, "| `%s` | %s | **%.1f %%** (%.1f–%.1f; %d/%d) | %s | %s | %s / %s s | %s | %s | %s | %d |%n",
                    r.route(), share(r), 100 * r.accuracy().rate(), 100 * r.accuracy().low(), 100 * r.accuracy().high(),
                    r.accuracy().correct(), r.accuracy().total(), millions(r.activeParamsPerToken(), 2),
                    millions(r.activeParamTokensPerAnswer(), 1), seconds(r.latencyP50Ms()), seconds(r.latencyP99Ms()),
                    one(r.meanCompletionTokens()), one(r.meanReasoningTokens()),
                    r.verifiedAnswers() == 0 ? "–" : String.format(Locale.ROOT, "%.2f", r.meanVerificationRounds()), r.errors()));
        }
        b.append("\nActive parameters in millions (M). Tokens and rounds are means per answer.\n\n");

        TreeSet<Integer> levels = new TreeSet<>();
        routes.forEach(r -> levels.addAll(r.byLevel().keySet()));
        b.append("## Accuracy per difficulty level\n\n| route |");
        levels.forEach(l -> b.append(" level ").append(l).append(" |"));
        b.append(" all |\n|---|");
        levels.forEach(l -> b.append("---|"));
        b.append("---|\n");
        for (RouteSummary r : routes) {
            b.append("| `").append(r.route()).append("` |");
            for (int l : levels) {
                Accuracy a = r.byLevel().get(l);
                b.append(' ').append(a == null ? "–" : cell(a)).append(" |");
            }
            b.append(' ').append(cell(r.accuracy())).append(" |\n");
        }

        List<String> kinds = new ArrayList<>();
        routes.forEach(r -> r.byKind().keySet().forEach(k -> {
            if (!kinds.contains(k)) {
                kinds.add(k);
            }
        }));
        b.append("\n## Accuracy per kind\n\n| route |");
        kinds.forEach(k -> b.append(' ').append(k).append(" |"));
        b.append("\n|---|");
        kinds.forEach(k -> b.append("---|"));
        b.append('\n');
        for (RouteSummary r : routes) {
            b.append("| `").append(r.route()).append("` |");
            for (String k : kinds) {
                Accuracy a = r.byKind().get(k);
                b.append(' ').append(a == null ? "–" : cell(a)).append(" |");
            }
            b.append('\n');
        }

        b.append("\n## Issue #12's goals\n\n| goal | verdict | figures |\n|---|---|---|\n");
        for (Goals.Verdict v : goals) {
            b.append("| ").append(v.goal()).append(" | **").append(v.label()).append("** | ").append(v.figures()).append(" |\n");
        }

        b.append("\n## Route details\n\n");
        for (RouteSummary r : routes) {
            b.append(String.format(Locale.ROOT, "- `%s` (`model: %s`): %s. %d of %d answered in %.1f s (%.2f answers/s); answered by %s",
                    r.route(), r.model(), r.description(), r.answered(), r.queries(), r.wallSeconds(), r.answersPerSecond(), r.answeredBy()));
            if (r.escalated() > 0) {
                b.append(String.format(Locale.ROOT, "; %d escalated from fast, their fast drafts %s per answer on average%s", r.escalated(),
                        millions(r.escalationDraftParamTokensPerAnswer(), 1),
                        r.escalationDraftsMeasured() ? "" : " (some drafts not priced: no fast answer to the same query)"));
            }
            if (r.verifiedAnswers() > 0) {
                b.append("; verified by ").append(r.verifiers());
            }
            if (r.degraded() > 0) {
                b.append(String.format(Locale.ROOT, "; %d degraded (the reasoning route was unavailable)", r.degraded()));
            }
            b.append(String.format(Locale.ROOT, "; mean prompt tokens %s.%n", one(r.meanPromptTokens())));
        }

        b.append("\n## Figures\n\n");
        b.append("![accuracy against active-parameter cost](").append(COST_ACCURACY).append(")\n\n");
        b.append("![accuracy per level and route](").append(ACCURACY_BY_LEVEL).append(")\n\n");
        b.append("![latency per route](").append(LATENCY).append(")\n\n");
        b.append("Every answer: `items.jsonl` (route, question, known answer, the answer given, correct, tokens, latency).\n");
        return b.toString();
    }

    private static String share(RouteSummary r) {
        if (r.answered() == 0) {
            return "–";
        }
        List<String> parts = new ArrayList<>();
        r.answeredBy().forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.0f %%", k, 100.0 * v / r.answered())));
        String s = String.join(", ", parts);
        return r.escalated() > 0 ? s + String.format(Locale.ROOT, " (%d escalated)", r.escalated()) : s;
    }

    private static String cell(Accuracy a) {
        return a.total() == 0 ? "–" : String.format(Locale.ROOT, "%.1f %% (%d/%d)", 100 * a.rate(), a.correct(), a.total());
    }

    static String millions(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f M", v / 1e6) : "–";
    }

    private static String seconds(double ms) {
        return Double.isFinite(ms) ? String.format(Locale.ROOT, "%.2f", ms / 1000) : "–";
    }

    private static String one(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "–";
    }
}
