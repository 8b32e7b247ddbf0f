package dev.reasoningrouter.report;

/**
 * A share of correct answers with its 95 % Wilson score interval (how far a figure from this many queries can be
 * from the rate a much larger set would give).
 */
public record Accuracy(int correct, int total) {
    public Accuracy {
        if (correct < 0 || total < 0 || correct > total) {
            throw new IllegalArgumentException("need 0 <= correct <= total, got " + correct + "/" + total);
        }
    }

    /** The share correct; NaN when there were no queries. */
    public double rate() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    public double low() {
        return wilson(-1);
    }

    public double high() {
        return wilson(1);
    }

    private double wilson(int sign) {
        if (total == 0) {
            return Double.NaN;
        }
        double z = 1.959964;
        double n = total;
        double p = rate();
        double centre = p + z * z / (2 * n);
        double spread = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n));
        return Math.min(1, Math.max(0, (centre + sign * spread) / (1 + z * z / n)));
    }
}
