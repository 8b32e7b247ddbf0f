package dev.reasoningrouter.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoalsTest {

    /** A summary with just the fields the goals read. */
    static RouteSummary route(Route r, Accuracy overall, Map<Integer, Accuracy> byLevel, double costPerAnswer) {
        return new RouteSummary(r.name(), r.model(), r.description(), overall.total(), overall.total(), 0, Map.of(), 0, 0, overall,
                byLevel, Map.of(), 1e6, costPerAnswer, 0, true, 20, 10, 5, 0, Double.NaN, Map.of(), 100, 200, 120, 10);
    }

    @Test
    void allMetWhenTheFiguresClearTheBars() {
        List<Goals.Verdict> v = Goals.check(List.of(
                route(Route.AUTO, new Accuracy(89, 100), Map.of(), 500e6),
                route(Route.FAST, new Accuracy(30, 100), Map.of(1, new Accuracy(20, 25), 4, new Accuracy(2, 25)), 50e6),
                route(Route.REASONING, new Accuracy(90, 100), Map.of(1, new Accuracy(24, 25), 4, new Accuracy(20, 25)), 1000e6),
                route(Route.REASONING_SINGLE, new Accuracy(85, 100), Map.of(), 400e6)));
        assertThat(v).extracting(Goals.Verdict::met).containsExactly(true, true, true);
        assertThat(v.get(0).figures()).contains("level 4").contains("+72.0 points");
        assertThat(v.get(1).figures()).contains("0.50x");
    }

    @Test
    void eachGoalFailsOnItsOwnBar() {
        // hardest level: 28 points only; auto: 3 points below; verification: no gain
        List<Goals.Verdict> v = Goals.check(List.of(
                route(Route.AUTO, new Accuracy(87, 100), Map.of(), 100e6),
                route(Route.FAST, new Accuracy(30, 100), Map.of(4, new Accuracy(3, 25)), 50e6),
                route(Route.REASONING, new Accuracy(90, 100), Map.of(4, new Accuracy(10, 25)), 1000e6),
                route(Route.REASONING_SINGLE, new Accuracy(90, 100), Map.of(), 400e6)));
        assertThat(v).extracting(Goals.Verdict::met).containsExactly(false, false, false);
        assertThat(v.get(0).figures()).contains("+28.0 points");
        assertThat(v.get(1).figures()).contains("more than 2 below");
        assertThat(v.get(2).figures()).contains("+0.0 points");
    }

    @Test
    void autoMustAlsoCostAtMostHalf() {
        List<Goals.Verdict> v = Goals.check(List.of(
                route(Route.AUTO, new Accuracy(90, 100), Map.of(), 501e6),
                route(Route.REASONING, new Accuracy(90, 100), Map.of(), 1000e6)));
        assertThat(v.get(1).met()).isFalse();
        assertThat(v.get(1).figures()).contains("more than half").contains("within 2");
    }

    @Test
    void goalsWhoseRoutesDidNotRunAreNotMeasured() {
        List<Goals.Verdict> v = Goals.check(List.of(route(Route.FAST, new Accuracy(1, 2), Map.of(1, new Accuracy(1, 2)), 1)));
        assertThat(v).extracting(Goals.Verdict::met).containsExactly(null, null, null);
        assertThat(v).extracting(Goals.Verdict::label).containsOnly("not measured");
    }
}
