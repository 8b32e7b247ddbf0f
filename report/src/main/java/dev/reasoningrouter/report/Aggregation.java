package dev.reasoningrouter.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Turns each route's outcomes into its {@link RouteSummary}. */
public final class Aggregation {
    private Aggregation() {}

    /**
     * Summarises one route's run. {@code fastAnswers} (question → the fast route's outcome, may be empty) prices the
     * fast drafts that an {@code auto} request made before the gateway escalated it: with greedy decoding the fast
     * path's draft for a question inside {@code auto} is the answer the {@code fast} route got for it.
     */
    public static RouteSummary summarise(ReportRunner.RouteRun run, Map<String, Outcome> fastAnswers) {
        List<Outcome> all = run.outcomes();
        List<Outcome> ok = all.stream().filter(Outcome::ok).toList();
        Map<String, Integer> by = new TreeMap<>();
        Map<String, Integer> verifiers = new TreeMap<>();
        int escalated = 0;
        int degraded = 0;
        double paramTokens = 0;
        double draftParamTokens = 0;
        boolean draftsMeasured = true;
        long tokens = 0;
        double prompt = 0;
        double completion = 0;
        double reasoning = 0;
        int verified = 0;
        double rounds = 0;
        List<Double> latencies = new ArrayList<>();
        for (Outcome o : ok) {
            by.merge(o.answeredBy() == null ? "unknown" : o.answeredBy(), 1, Integer::sum);
            paramTokens += o.activeParamTokens();
            tokens += o.promptTokens() + o.completionTokens();
            if (o.escalated()) {
                escalated++;
                Outcome draft = fastAnswers.get(o.query().question());
                if (draft != null && draft.ok()) {
                    draftParamTokens += draft.activeParamTokens();
                } else {
                    draftsMeasured = false;
                }
            }
            if (o.degraded()) {
                degraded++;
            }
            prompt += o.promptTokens();
            completion += o.completionTokens();
            reasoning += o.reasoningTokens();
            if (o.verificationRounds() >= 0) {
                verified++;
                rounds += o.verificationRounds();
                verifiers.merge(o.verifier() == null ? "unknown" : o.verifier(), 1, Integer::sum);
            }
            latencies.add(o.latencyNanos() / 1e6);
        }
        latencies.sort(null);
        int n = ok.size();
        return new RouteSummary(run.route().name(), run.route().model(), run.route().description(), all.size(), n, all.size() - n,
                by, escalated, degraded, accuracy(all), byLevel(all), byKind(all),
                tokens == 0 ? Double.NaN : paramTokens / tokens,
                n == 0 ? Double.NaN : (paramTokens + draftParamTokens) / n,
                n == 0 ? 0 : draftParamTokens / n, escalated == 0 || draftsMeasured,
                n == 0 ? Double.NaN : prompt / n, n == 0 ? Double.NaN : completion / n, n == 0 ? Double.NaN : reasoning / n,
                verified, verified == 0 ? Double.NaN : rounds / verified, verifiers,
                percentile(latencies, 50), percentile(latencies, 99),
                latencies.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN), run.wallSeconds());
    }

    /** Summaries of every run, fast drafts of escalations priced from the {@code fast} run when there is one. */
    public static List<RouteSummary> summarise(List<ReportRunner.RouteRun> runs) {
        Map<String, Outcome> fast = new HashMap<>();
        for (ReportRunner.RouteRun r : runs) {
            if (r.route().name().equals(Route.FAST.name())) {
                r.outcomes().forEach(o -> fast.put(o.query().question(), o));
            }
        }
        return runs.stream().map(r -> summarise(r, fast)).toList();
    }

    public static Accuracy accuracy(List<Outcome> outcomes) {
        int correct = (int) outcomes.stream().filter(Outcome::correct).count();
        return new Accuracy(correct, outcomes.size());
    }

    public static Map<Integer, Accuracy> byLevel(List<Outcome> outcomes) {
        return grouped(outcomes, o -> o.query().level(), new TreeMap<>());
    }

    /** Per kind, in the order the kinds first appear in the query set. */
    public static Map<String, Accuracy> byKind(List<Outcome> outcomes) {
        return grouped(outcomes, o -> o.query().kind(), new LinkedHashMap<>());
    }

    private static <K> Map<K, Accuracy> grouped(List<Outcome> outcomes, Function<Outcome, K> key, Map<K, Accuracy> into) {
        Map<K, int[]> counts = into instanceof TreeMap ? new TreeMap<>() : new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            int[] c = counts.computeIfAbsent(key.apply(o), k -> new int[2]);
            c[1]++;
            if (o.correct()) {
                c[0]++;
            }
        }
        counts.forEach((k, c) -> into.put(k, new Accuracy(c[0], c[1])));
        return into;
    }

    /** Nearest-rank percentile of sorted values (NaN when empty). */
    public static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
