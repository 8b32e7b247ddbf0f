package dev.reasoningrouter.classifier.training;

import dev.reasoningrouter.classifier.model.ComplexityModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Generalisation check: for each source, train without any of its items (train and dev), calibrate on
 * the rest of dev, then score (a) the left-out source alone: accuracy at the calibrated threshold;
 * (b) the left-out source mixed with the dev items of the other label from the remaining sources:
 * ROC-AUC, i.e. can the model still rank an unseen style against known items of the other class.
 */
public final class LeaveOneSourceOut {
    private final Trainer trainer;
    private final Trainer.Options options;

    public LeaveOneSourceOut(Trainer trainer, Trainer.Options options) {
        this.trainer = trainer;
        this.options = options;
    }

    public record Row(String source, int n, String majorityLabel, double accuracy, double mixedRocAuc, int mixedN,
                      double threshold) {}

    public List<Row> run(List<Example> train, List<Example> dev) {
        TreeSet<String> sources = new TreeSet<>();
        train.stream().map(Example::source).filter(java.util.Objects::nonNull).forEach(sources::add);
        dev.stream().map(Example::source).filter(java.util.Objects::nonNull).forEach(sources::add);
        if (sources.size() < 2) {
            throw new IllegalArgumentException("leave-one-source-out needs lines with at least two different \"source\" values");
        }
        List<Row> rows = new ArrayList<>();
        for (String s : sources) {
            List<Example> tr = train.stream().filter(e -> !s.equals(e.source())).toList();
            List<Example> dv = dev.stream().filter(e -> !s.equals(e.source())).toList();
            List<Example> held = new ArrayList<>(train.stream().filter(e -> s.equals(e.source())).toList());
            held.addAll(dev.stream().filter(e -> s.equals(e.source())).toList());
            ComplexityModel model = trainer.train(tr, dv, options, "train minus " + s, "dev minus " + s);
            double[] heldScores = trainer.scores(model, held);
            BinaryMetrics acc = BinaryMetrics.of(heldScores, Trainer.labels(held), model.threshold());
            long reasoning = held.stream().filter(Example::reasoning).count();
            boolean majorityReasoning = reasoning * 2 >= held.size();
            List<Example> mixed = new ArrayList<>(held);
            mixed.addAll(dv.stream().filter(e -> e.reasoning() != majorityReasoning).toList());
            BinaryMetrics mix = BinaryMetrics.of(trainer.scores(model, mixed), Trainer.labels(mixed), model.threshold());
            rows.add(new Row(s, held.size(), majorityReasoning ? Example.REASONING : Example.ROUTINE,
                    acc.accuracy(), mix.rocAuc(), mixed.size(), model.threshold()));
        }
        return rows;
    }

    public static String toText(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-12s %5s %-9s %9s %9s %8s %9s%n", "left out", "n", "label", "accuracy",
                "mixed_n", "mixed_auc", "threshold"));
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%-12s %5d %-9s %9.4f %9d %8.4f %9.4f%n", r.source(), r.n(),
                    r.majorityLabel(), r.accuracy(), r.mixedN(), r.mixedRocAuc(), r.threshold()));
        }
        Row weakest = rows.stream().min((a, c) -> Double.compare(a.accuracy(), c.accuracy())).orElse(null);
        if (weakest != null) {
            b.append(String.format(Locale.ROOT, "weakest source (accuracy when unseen): %s (%.4f)%n",
                    weakest.source(), weakest.accuracy()));
        }
        return b.toString();
    }
}
