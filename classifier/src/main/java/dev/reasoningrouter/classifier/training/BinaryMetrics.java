package dev.reasoningrouter.classifier.training;

import java.util.Arrays;
import java.util.Comparator;

/** Threshold-free and thresholded metrics for the {@code reasoning} class. */
public record BinaryMetrics(int n, int positives, double rocAuc, double threshold, int tp, int fp, int tn, int fn) {

    public static BinaryMetrics of(double[] scores, boolean[] reasoning, double threshold) {
        int tp = 0;
        int fp = 0;
        int tn = 0;
        int fn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean predicted = scores[i] >= threshold;
            if (reasoning[i]) {
                if (predicted) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (predicted) {
                fp++;
            } else {
                tn++;
            }
        }
        return new BinaryMetrics(scores.length, tp + fn, rocAuc(scores, reasoning), threshold, tp, fp, tn, fn);
    }

    public double accuracy() {
        return n == 0 ? Double.NaN : (double) (tp + tn) / n;
    }

    public double precision() {
        return tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
    }

    public double recall() {
        return tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn);
    }

    /** Recall of the routine class (how much routine traffic stays on the fast path). */
    public double specificity() {
        return tn + fp == 0 ? Double.NaN : (double) tn / (tn + fp);
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** Share of all items sent to the reasoning path. */
    public double reasoningShare() {
        return n == 0 ? Double.NaN : (double) (tp + fp) / n;
    }

    /**
     * ROC-AUC as the Mann-Whitney statistic with average ranks for ties; NaN when one class is absent.
     */
    public static double rocAuc(double[] scores, boolean[] positive) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double rankSumPos = 0;
        long pos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    rankSumPos += avgRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * Calibrated threshold: among thresholds with reasoning recall >= {@code targetRecall}, those that send
     * the fewest routine items to the reasoning path form an interval (highest routine score below it,
     * the recall-limited threshold]; take its midpoint in logit space, the widest margin to both classes,
     * so that a shift in score distribution on unseen data costs the least.
     */
    public static double calibrate(double[] scores, boolean[] reasoning, double targetRecall) {
        double hi = thresholdForRecall(scores, reasoning, targetRecall);
        double lo = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < scores.length; i++) {
            if (!reasoning[i] && scores[i] < hi) {
                lo = Math.max(lo, scores[i]);
            }
        }
        if (lo == Double.NEGATIVE_INFINITY) {
            return hi;
        }
        double mid = (logit(lo) + logit(hi)) / 2;
        return 1 / (1 + Math.exp(-mid));
    }

    private static double logit(double p) {
        double q = Math.min(1 - 1e-9, Math.max(1e-9, p));
        return Math.log(q / (1 - q));
    }

    /**
     * The highest threshold whose recall of reasoning items is at least {@code targetRecall}: the least
     * traffic sent to the reasoning path for that recall.
     */
    public static double thresholdForRecall(double[] scores, boolean[] reasoning, double targetRecall) {
        double[] pos = java.util.stream.IntStream.range(0, scores.length).filter(i -> reasoning[i])
                .mapToDouble(i -> scores[i]).sorted().toArray();
        if (pos.length == 0) {
            throw new IllegalArgumentException("cannot calibrate: no reasoning items");
        }
        int keep = (int) Math.ceil(targetRecall * pos.length - 1e-9); // items that must score >= threshold
        keep = Math.max(1, Math.min(pos.length, keep));
        return pos[pos.length - keep];
    }
}
