package dev.reasoningrouter.classifier.training;

import dev.reasoningrouter.classifier.model.Classification;
import dev.reasoningrouter.classifier.model.ComplexityClassifier;
import dev.reasoningrouter.classifier.model.ComplexityModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores a labelled file with the live classifier (embedding included, so the per-query timing is the
 * service's) and with the length-only baseline, and reports both.
 */
public final class Evaluator {
    private static final int WARMUP = 30;

    private final ComplexityClassifier classifier;

    public Evaluator(ComplexityClassifier classifier) {
        this.classifier = classifier;
    }

    public Report evaluate(List<Example> examples, double threshold, String fileName) {
        ComplexityModel model = classifier.model();
        // Warm the JIT and ONNX session first so that the latency figures are steady-state.
        for (int i = 0; i < Math.min(WARMUP, examples.size()); i++) {
            classifier.classify(examples.get(i).text(), threshold);
        }
        int n = examples.size();
        double[] scores = new double[n];
        double[] lengthScores = new double[n];
        double[] latency = new double[n];
        boolean[] y = Trainer.labels(examples);
        int multiWindow = 0;
        int taskKnown = 0;
        int taskRight = 0;
        for (int i = 0; i < n; i++) {
            Example e = examples.get(i);
            Classification c = classifier.classify(e.text(), threshold);
            scores[i] = c.score();
            latency[i] = c.latencyMs();
            lengthScores[i] = model.lengthBaseline().score(e.text());
            if (c.windows() > 1) {
                multiWindow++;
            }
            String truth = TaskLabeler.label(e);
            if (truth != null) {
                taskKnown++;
                if (truth.equals(c.taskType())) {
                    taskRight++;
                }
            }
        }
        BinaryMetrics m = BinaryMetrics.of(scores, y, threshold);
        BinaryMetrics base = BinaryMetrics.of(lengthScores, y, model.lengthBaseline().threshold());
        Map<String, SourceRow> perSource = new TreeMap<>();
        Map<String, List<Integer>> bySource = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String s = examples.get(i).source();
            if (s != null) {
                bySource.computeIfAbsent(s, key -> new ArrayList<>()).add(i);
            }
        }
        bySource.forEach((s, idx) -> {
            double[] sc = idx.stream().mapToDouble(i -> scores[i]).toArray();
            double[] ls = idx.stream().mapToDouble(i -> lengthScores[i]).toArray();
            boolean[] yy = new boolean[idx.size()];
            for (int j = 0; j < yy.length; j++) {
                yy[j] = y[idx.get(j)];
            }
            BinaryMetrics sm = BinaryMetrics.of(sc, yy, threshold);
            BinaryMetrics sb = BinaryMetrics.of(ls, yy, model.lengthBaseline().threshold());
            perSource.put(s, new SourceRow(idx.size(), sm.positives(), sm.accuracy(), sb.accuracy(),
                    Arrays.stream(sc).average().orElse(Double.NaN), sm.rocAuc()));
        });
        return new Report(fileName, model.version(), m, base, perSource, Latency.of(latency), multiWindow,
                taskKnown == 0 ? Double.NaN : (double) taskRight / taskKnown, taskKnown);
    }

    /** @param rocAuc NaN unless the source has both labels */
    public record SourceRow(int n, int reasoning, double accuracy, double baselineAccuracy, double meanScore, double rocAuc) {}

    public record Latency(double p50, double p95, double p99, double max, double mean) {
        static Latency of(double[] ms) {
            double[] s = ms.clone();
            Arrays.sort(s);
            return new Latency(pct(s, 50), pct(s, 95), pct(s, 99), s[s.length - 1], Arrays.stream(s).average().orElse(0));
        }

        /** Nearest-rank percentile. */
        static double pct(double[] sorted, double p) {
            int rank = (int) Math.ceil(p / 100 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }

    public record Report(String file, String modelVersion, BinaryMetrics model, BinaryMetrics baseline,
                         Map<String, SourceRow> perSource, Latency latencyMs, int multiWindow,
                         double taskAccuracy, int taskLabelled) {

        public Map<String, Object> toJson() {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("file", file);
            j.put("model_version", modelVersion);
            j.putAll(metricsJson(model));
            j.put("task_accuracy", nan(taskAccuracy));
            j.put("task_labelled", taskLabelled);
            j.put("multi_window_inputs", multiWindow);
            j.put("latency_ms", Map.of("p50", latencyMs.p50(), "p95", latencyMs.p95(), "p99", latencyMs.p99(),
                    "max", latencyMs.max(), "mean", latencyMs.mean()));
            Map<String, Object> sources = new LinkedHashMap<>();
            perSource.forEach((s, r) -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("n", r.n());
                row.put("reasoning", r.reasoning());
                row.put("accuracy", nan(r.accuracy()));
                row.put("baseline_accuracy", nan(r.baselineAccuracy()));
                row.put("mean_score", nan(r.meanScore()));
                row.put("roc_auc", nan(r.rocAuc()));
                sources.put(s, row);
            });
            j.put("per_source", sources);
            j.put("length_baseline", metricsJson(baseline));
            return j;
        }

        private static Map<String, Object> metricsJson(BinaryMetrics m) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("n", m.n());
            j.put("reasoning_items", m.positives());
            j.put("threshold", m.threshold());
            j.put("roc_auc", nan(m.rocAuc()));
            j.put("accuracy", nan(m.accuracy()));
            j.put("precision", nan(m.precision()));
            j.put("recall", nan(m.recall()));
            j.put("f1", nan(m.f1()));
            j.put("reasoning_share", nan(m.reasoningShare()));
            j.put("confusion", Map.of("tp", m.tp(), "fp", m.fp(), "tn", m.tn(), "fn", m.fn()));
            return j;
        }

        /** JSON has no NaN: absent values are null. */
        private static Object nan(double v) {
            return Double.isNaN(v) ? null : v;
        }

        public String toText() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "file: %s  n=%d (reasoning %d, routine %d)%nmodel: %s%n", file, model.n(),
                    model.positives(), model.n() - model.positives(), modelVersion));
            b.append(String.format(Locale.ROOT, "%-22s %10s %16s%n", "", "classifier", "length-baseline"));
            row(b, "threshold", model.threshold(), baseline.threshold());
            row(b, "roc_auc", model.rocAuc(), baseline.rocAuc());
            row(b, "accuracy", model.accuracy(), baseline.accuracy());
            row(b, "precision(reasoning)", model.precision(), baseline.precision());
            row(b, "recall(reasoning)", model.recall(), baseline.recall());
            row(b, "f1(reasoning)", model.f1(), baseline.f1());
            row(b, "reasoning share", model.reasoningShare(), baseline.reasoningShare());
            b.append(String.format(Locale.ROOT, "confusion (rows: true label, columns: predicted route)%n"));
            b.append(String.format(Locale.ROOT, "  classifier       %8s %10s    baseline %8s %10s%n", "fast", "reasoning", "fast", "reasoning"));
            b.append(String.format(Locale.ROOT, "  routine          %8d %10d             %8d %10d%n", model.tn(), model.fp(), baseline.tn(), baseline.fp()));
            b.append(String.format(Locale.ROOT, "  reasoning        %8d %10d             %8d %10d%n", model.fn(), model.tp(), baseline.fn(), baseline.tp()));
            if (!perSource.isEmpty()) {
                b.append(String.format(Locale.ROOT, "per source:%n  %-14s %5s %9s %9s %9s %10s %8s%n", "source", "n",
                        "reasoning", "accuracy", "baseline", "mean score", "roc_auc"));
                perSource.forEach((s, r) -> b.append(String.format(Locale.ROOT, "  %-14s %5d %9d %9.4f %9.4f %10.4f %8s%n",
                        s, r.n(), r.reasoning(), r.accuracy(), r.baselineAccuracy(), r.meanScore(),
                        Double.isNaN(r.rocAuc()) ? "-" : String.format(Locale.ROOT, "%.4f", r.rocAuc()))));
            }
            if (taskLabelled > 0) {
                b.append(String.format(Locale.ROOT, "task type accuracy (rule-derived labels): %.4f on %d items%n", taskAccuracy, taskLabelled));
            }
            b.append(String.format(Locale.ROOT, "inputs read as head+tail windows: %d%n", multiWindow));
            b.append(String.format(Locale.ROOT, "latency per query (ms, embedding + heads, after %d warm-up): p50 %.2f  p95 %.2f  p99 %.2f  max %.2f  mean %.2f%n",
                    WARMUP, latencyMs.p50(), latencyMs.p95(), latencyMs.p99(), latencyMs.max(), latencyMs.mean()));
            return b.toString();
        }

        private static void row(StringBuilder b, String name, double a, double c) {
            b.append(String.format(Locale.ROOT, "%-22s %10.4f %16.4f%n", name, a, c));
        }
    }
}
