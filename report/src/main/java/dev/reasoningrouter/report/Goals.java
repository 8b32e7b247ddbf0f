package dev.reasoningrouter.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Issue #12's goals for the platform, checked against a report's route summaries. */
public final class Goals {
    private Goals() {}

    /**
     * One goal's verdict.
     *
     * @param goal    what the goal says
     * @param met     true / false, or null when the routes it needs were not run
     * @param figures the figures behind the verdict
     */
    public record Verdict(String goal, Boolean met, String figures) {
        public String label() {
            return met == null ? "not measured" : met ? "met" : "not met";
        }
    }

    public static final double HARDEST_LEVEL_MARGIN = 0.30;
    public static final double AUTO_ACCURACY_SLACK = 0.02;
    public static final double AUTO_COST_FRACTION = 0.5;

    public static List<Verdict> check(List<RouteSummary> routes) {
        Optional<RouteSummary> auto = find(routes, Route.AUTO);
        Optional<RouteSummary> fast = find(routes, Route.FAST);
        Optional<RouteSummary> reasoning = find(routes, Route.REASONING);
        Optional<RouteSummary> single = find(routes, Route.REASONING_SINGLE);
        List<Verdict> out = new ArrayList<>();

        String g1 = "reasoning accuracy on the hardest level at least 30 points above fast";
        if (fast.isPresent() && reasoning.isPresent()) {
            int hardest = Math.max(reasoning.get().byLevel().keySet().stream().mapToInt(i -> i).max().orElse(0),
                    fast.get().byLevel().keySet().stream().mapToInt(i -> i).max().orElse(0));
            Accuracy r = reasoning.get().byLevel().get(hardest);
            Accuracy f = fast.get().byLevel().get(hardest);
            if (r == null || f == null) {
                out.add(new Verdict(g1, null, "level " + hardest + " was not sent on both routes"));
            } else {
                double gap = r.rate() - f.rate();
                out.add(new Verdict(g1, gap >= HARDEST_LEVEL_MARGIN - 1e-9, String.format(Locale.ROOT,
                        "level %d: reasoning %s, fast %s: %+.1f points", hardest, pct(r), pct(f), 100 * gap)));
            }
        } else {
            out.add(new Verdict(g1, null, "needs the fast and reasoning routes"));
        }

        String g2 = "auto within 2 points of always-reasoning overall, at no more than half its active-parameter cost";
        if (auto.isPresent() && reasoning.isPresent()) {
            RouteSummary a = auto.get();
            RouteSummary r = reasoning.get();
            double gap = a.accuracy().rate() - r.accuracy().rate();
            double costRatio = a.activeParamTokensPerAnswer() / r.activeParamTokensPerAnswer();
            boolean accurate = gap >= -AUTO_ACCURACY_SLACK - 1e-9;
            boolean cheap = costRatio <= AUTO_COST_FRACTION + 1e-9;
            out.add(new Verdict(g2, accurate && cheap, String.format(Locale.ROOT,
                    "accuracy auto %s vs reasoning %s (%+.1f points: %s); cost per answer auto %s vs reasoning %s "
                            + "active-parameter tokens (%.2fx: %s)",
                    pct(a.accuracy()), pct(r.accuracy()), 100 * gap, accurate ? "within 2" : "more than 2 below",
                    millions(a.activeParamTokensPerAnswer()), millions(r.activeParamTokensPerAnswer()), costRatio,
                    cheap ? "at most half" : "more than half")));
        } else {
            out.add(new Verdict(g2, null, "needs the auto and reasoning routes"));
        }

        String g3 = "verification raises accuracy over a single reasoning draft";
        if (reasoning.isPresent() && single.isPresent()) {
            double gap = reasoning.get().accuracy().rate() - single.get().accuracy().rate();
            out.add(new Verdict(g3, gap > 1e-9, String.format(Locale.ROOT,
                    "reasoning with verification %s vs one draft %s (%+.1f points)", pct(reasoning.get().accuracy()),
                    pct(single.get().accuracy()), 100 * gap)));
        } else {
            out.add(new Verdict(g3, null, "needs the reasoning and reasoning-single routes"));
        }
        return out;
    }

    private static Optional<RouteSummary> find(List<RouteSummary> routes, Route route) {
        return routes.stream().filter(s -> s.route().equals(route.name())).findFirst();
    }

    static String pct(Accuracy a) {
        return String.format(Locale.ROOT, "%.1f %% (%d/%d)", 100 * a.rate(), a.correct(), a.total());
    }

    static String millions(double v) {
        return String.format(Locale.ROOT, "%.1f M", v / 1e6);
    }
}
