package dev.reasoningrouter.report;

import java.util.ArrayList;
import java.util.List;

/** Outcomes built by hand for the aggregation and report tests. */
final class Fixtures {
    private Fixtures() {}

    static Query q(String kind, int level, int n) {
        return new Query(kind, level, "What is " + n + " + " + level + "?", Integer.toString(n + level));
    }

    /** An answered outcome; {@code right} decides whether the content is the query's answer. */
    static Outcome answer(Query q, String route, String by, boolean right, long latencyMs, int prompt, int completion,
                          long activePerToken, int rounds, boolean escalated) {
        String content = right ? q.answer() : q.answer() + "1";
        return Outcome.answered(q, route, 200, latencyMs * 1_000_000L, by, "forced", escalated, false, content, prompt, completion,
                completion / 2, activePerToken, rounds, rounds >= 0 ? "model-critic" : null);
    }

    static ReportRunner.RouteRun run(Route route, List<Outcome> outcomes, double seconds) {
        return new ReportRunner.RouteRun(route, new ArrayList<>(outcomes), seconds);
    }
}
