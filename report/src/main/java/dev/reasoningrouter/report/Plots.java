package dev.reasoningrouter.report;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** The report's figures as SVG: cost against accuracy, accuracy per level, latency. */
public final class Plots {
    private Plots() {}

    static final int WIDTH = 720;
    static final int HEIGHT = 440;
    static final double LEFT = 80;
    static final double RIGHT = 170;
    static final double TOP = 50;
    static final double BOTTOM = 70;
    private static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#d62728", "#8c564b"};
    private static final String[] SERIES = {"#4e79a7", "#e15759"};

    static String colour(int i) {
        return COLOURS[i % COLOURS.length];
    }

    static double plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    static double plotHeight() {
        return HEIGHT - TOP - BOTTOM;
    }

    /** The smallest 1, 2 or 5 × 10^k at or above {@code v} (1 for v ≤ 0 or not finite). */
    static double niceCeiling(double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v * (1 - 1e-12)) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** Accuracy (%, with its 95 % interval) against active-parameter tokens per answer, one point per route. */
    public static String costAccuracy(List<RouteSummary> routes) {
        Svg svg = new Svg(WIDTH, HEIGHT, "Accuracy against active-parameter cost per answer");
        double maxCost = routes.stream().mapToDouble(r -> r.activeParamTokensPerAnswer() / 1e6).filter(Double::isFinite).max().orElse(1);
        double xMax = niceCeiling(maxCost * 1.05);
        axes(svg, "Accuracy against active-parameter cost per answer", "active parameters × tokens per answer (millions)", "accuracy (%)",
                xMax, 100, true);
        for (int i = 0; i < routes.size(); i++) {
            RouteSummary r = routes.get(i);
            double cost = r.activeParamTokensPerAnswer() / 1e6;
            if (!Double.isFinite(cost) || r.accuracy().total() == 0) {
                continue;
            }
            double x = LEFT + cost / xMax * plotWidth();
            double y = yOf(100 * r.accuracy().rate(), 100);
            svg.line("interval", x, yOf(100 * r.accuracy().low(), 100), x, yOf(100 * r.accuracy().high(), 100), colour(i), 1.5);
            svg.circle("point", x, y, 6, colour(i), String.format(Locale.ROOT, "%s: %.1f %% at %.1f M", r.route(),
                    100 * r.accuracy().rate(), cost));
            svg.text("point-label", x + 9, y - 8, r.route(), "start", 12, 0);
        }
        legend(svg, routes.stream().map(RouteSummary::route).toList(), COLOURS);
        svg.text("note", LEFT, HEIGHT - 12, "bars: 95 % Wilson interval of the accuracy", "start", 11, 0);
        return svg.toString();
    }

    /** Accuracy per difficulty level, a bar per route in each level's group. */
    public static String accuracyByLevel(List<RouteSummary> routes) {
        Svg svg = new Svg(WIDTH, HEIGHT, "Accuracy per difficulty level and route");
        TreeSet<Integer> levels = new TreeSet<>();
        routes.forEach(r -> levels.addAll(r.byLevel().keySet()));
        axes(svg, "Accuracy per difficulty level and route", "difficulty level", "accuracy (%)", 0, 100, false);
        double group = plotWidth() / Math.max(1, levels.size());
        double bar = group * 0.8 / Math.max(1, routes.size());
        int g = 0;
        for (int level : levels) {
            double x0 = LEFT + g * group + group * 0.1;
            for (int i = 0; i < routes.size(); i++) {
                Accuracy a = routes.get(i).byLevel().get(level);
                if (a == null || a.total() == 0) {
                    continue;
                }
                double v = 100 * a.rate();
                svg.rect("bar", x0 + i * bar, yOf(v, 100), bar * 0.92, plotHeight() * v / 100, colour(i), String.format(Locale.ROOT,
                        "%s, level %d: %.1f %% (%d/%d)", routes.get(i).route(), level, v, a.correct(), a.total()));
            }
            svg.text("tick-label", LEFT + g * group + group / 2, TOP + plotHeight() + 18, Integer.toString(level), "middle", 12, 0);
            g++;
        }
        legend(svg, routes.stream().map(RouteSummary::route).toList(), COLOURS);
        return svg.toString();
    }

    /** Latency p50 and p99 per route. */
    public static String latency(List<RouteSummary> routes) {
        Svg svg = new Svg(WIDTH, HEIGHT, "Latency per route");
        double max = routes.stream().mapToDouble(RouteSummary::latencyP99Ms).filter(Double::isFinite).max().orElse(1) / 1000;
        double yMax = niceCeiling(max * 1.05);
        axes(svg, "Latency per route (through the gateway, at the report's concurrency)", "route", "latency (s)", 0, yMax, false);
        double group = plotWidth() / Math.max(1, routes.size());
        double bar = group * 0.8 / 2;
        for (int i = 0; i < routes.size(); i++) {
            RouteSummary r = routes.get(i);
            double x0 = LEFT + i * group + group * 0.1;
            double[] values = {r.latencyP50Ms() / 1000, r.latencyP99Ms() / 1000};
            String[] names = {"p50", "p99"};
            for (int s = 0; s < 2; s++) {
                if (!Double.isFinite(values[s])) {
                    continue;
                }
                svg.rect("bar", x0 + s * bar, yOf(values[s], yMax), bar * 0.92, plotHeight() * values[s] / yMax, SERIES[s],
                        String.format(Locale.ROOT, "%s %s: %.2f s", r.route(), names[s], values[s]));
            }
            svg.text("tick-label", LEFT + i * group + group / 2, TOP + plotHeight() + 18, r.route(), "middle", 12, 0);
        }
        legend(svg, List.of("p50", "p99"), SERIES);
        return svg.toString();
    }

    private static double yOf(double v, double yMax) {
        return TOP + plotHeight() * (1 - v / yMax);
    }

    /** Frame, title, axis labels, y ticks (and x ticks when {@code xTicks}) with grid lines. */
    private static void axes(Svg svg, String title, String xLabel, String yLabel, double xMax, double yMax, boolean xTicks) {
        svg.text("title", WIDTH / 2.0, 26, title, "middle", 15, 0);
        for (int t = 0; t <= 5; t++) {
            double v = yMax * t / 5;
            double y = yOf(v, yMax);
            svg.line("grid", LEFT, y, LEFT + plotWidth(), y, "#dddddd", 1);
            svg.text("tick-label", LEFT - 6, y + 4, number(v), "end", 11, 0);
        }
        if (xTicks) {
            for (int t = 0; t <= 5; t++) {
                double v = xMax * t / 5;
                double x = LEFT + plotWidth() * t / 5;
                svg.line("grid", x, TOP, x, TOP + plotHeight(), "#eeeeee", 1);
                svg.text("tick-label", x, TOP + plotHeight() + 18, number(v), "middle", 11, 0);
            }
        }
        svg.line("axis", LEFT, TOP + plotHeight(), LEFT + plotWidth(), TOP + plotHeight(), "#333333", 1.2);
        svg.line("axis", LEFT, TOP, LEFT, TOP + plotHeight(), "#333333", 1.2);
        svg.text("axis-label", LEFT + plotWidth() / 2, TOP + plotHeight() + 42, xLabel, "middle", 12, 0);
        svg.text("axis-label", 22, TOP + plotHeight() / 2, yLabel, "middle", 12, -90);
    }

    private static void legend(Svg svg, List<String> names, String[] colours) {
        double x = LEFT + plotWidth() + 20;
        for (int i = 0; i < names.size(); i++) {
            double y = TOP + 10 + i * 22;
            svg.rect("legend-swatch", x, y - 10, 14, 14, colours[i % colours.length], null);
            svg.text("legend-label", x + 20, y + 2, names.get(i), "start", 12, 0);
        }
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%d", (long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) < 1 ? "%.2f" : "%.1f", v);
    }
}
