package dev.reasoningrouter.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AggregationTest {

    @Test
    void accuracyCountsErrorsAsWrongAndSplitsByLevelAndKind() {
        Query a1 = Fixtures.q("addition", 1, 10);
        Query a4 = Fixtures.q("addition", 4, 20);
        Query s1 = Fixtures.q("sorting", 1, 30);
        Query s4 = Fixtures.q("sorting", 4, 40);
        List<Outcome> outcomes = List.of(
                Fixtures.answer(a1, "fast", "fast", true, 100, 20, 5, 1_000_000, -1, false),
                Fixtures.answer(a4, "fast", "fast", false, 200, 20, 5, 1_000_000, -1, false),
                Fixtures.answer(s1, "fast", "fast", true, 300, 20, 5, 1_000_000, -1, false),
                Outcome.failed(s4, "fast", 503, 400_000_000L, "HTTP 503"));
        RouteSummary s = Aggregation.summarise(Fixtures.run(Route.FAST, outcomes, 2.0), Map.of());

        assertThat(s.queries()).isEqualTo(4);
        assertThat(s.answered()).isEqualTo(3);
        assertThat(s.errors()).isEqualTo(1);
        assertThat(s.accuracy()).isEqualTo(new Accuracy(2, 4));
        assertThat(s.byLevel()).containsExactly(Map.entry(1, new Accuracy(2, 2)), Map.entry(4, new Accuracy(0, 2)));
        assertThat(s.byKind()).containsExactly(Map.entry("addition", new Accuracy(1, 2)), Map.entry("sorting", new Accuracy(1, 2)));
        // latency over the answers only: the failed request's 400 ms is not in it
        assertThat(s.latencyP50Ms()).isEqualTo(200.0);
        assertThat(s.latencyP99Ms()).isEqualTo(300.0);
        assertThat(s.latencyMeanMs()).isCloseTo(200.0, within(1e-9));
        assertThat(s.answersPerSecond()).isCloseTo(1.5, within(1e-9));
        assertThat(s.activeParamTokensPerAnswer()).isCloseTo(25e6, within(1e-3));
        assertThat(s.verifiedAnswers()).isZero();
        assertThat(s.meanVerificationRounds()).isNaN();
    }

    @Test
    void autoSharesTrafficAndPaysForTheFastDraftsOfEscalatedAnswers() {
        Query easy = Fixtures.q("addition", 1, 1);
        Query hard = Fixtures.q("addition", 4, 2);
        Query mid = Fixtures.q("addition", 2, 3);
        Query other = Fixtures.q("addition", 3, 4);
        // auto: easy answered by fast; hard escalated to reasoning; mid and other classified to reasoning
        List<Outcome> auto = List.of(
                Fixtures.answer(easy, "auto", "fast", true, 50, 20, 5, 2_000_000, -1, false),
                Fixtures.answer(hard, "auto", "reasoning", true, 1000, 100, 200, 3_000_000, 2, true),
                Fixtures.answer(mid, "auto", "reasoning", true, 900, 50, 100, 3_000_000, 1, false),
                Fixtures.answer(other, "auto", "reasoning", false, 800, 50, 100, 3_000_000, 3, false));
        List<Outcome> fast = List.of(
                Fixtures.answer(easy, "fast", "fast", true, 40, 20, 5, 2_000_000, -1, false),
                Fixtures.answer(hard, "fast", "fast", false, 40, 20, 10, 2_000_000, -1, false),
                Fixtures.answer(mid, "fast", "fast", false, 40, 20, 6, 2_000_000, -1, false),
                Fixtures.answer(other, "fast", "fast", false, 40, 20, 6, 2_000_000, -1, false));
        List<RouteSummary> all = Aggregation.summarise(List.of(Fixtures.run(Route.AUTO, auto, 3), Fixtures.run(Route.FAST, fast, 1)));
        RouteSummary s = all.getFirst();

        assertThat(s.answeredBy()).containsExactly(Map.entry("fast", 1), Map.entry("reasoning", 3));
        assertThat(s.share("fast")).isEqualTo(0.25);
        assertThat(s.share("reasoning")).isEqualTo(0.75);
        assertThat(s.escalated()).isEqualTo(1);
        // responses: 25*2M + 300*3M + 150*3M + 150*3M = 50M + 900M + 450M + 450M = 1850M; the escalated one's fast
        // draft (the fast route's answer to the same question): 30 tokens * 2M = 60M; per answer (1850+60)/4
        assertThat(s.escalationDraftParamTokensPerAnswer()).isCloseTo(60e6 / 4, within(1e-3));
        assertThat(s.escalationDraftsMeasured()).isTrue();
        assertThat(s.activeParamTokensPerAnswer()).isCloseTo(1910e6 / 4, within(1e-3));
        // per token: token-weighted over what the responses say (drafts excluded): 1850M / 625 tokens
        assertThat(s.activeParamsPerToken()).isCloseTo(1850e6 / 625, within(1e-6));
        assertThat(s.verifiedAnswers()).isEqualTo(3);
        assertThat(s.meanVerificationRounds()).isCloseTo(2.0, within(1e-12));
        assertThat(s.verifiers()).containsExactly(Map.entry("model-critic", 3));
        assertThat(s.meanCompletionTokens()).isCloseTo(405 / 4.0, within(1e-12));
        assertThat(all.get(1).escalated()).isZero();
    }

    @Test
    void withoutAFastRunEscalatedDraftsAreSaidToBeUnpriced() {
        Query hard = Fixtures.q("addition", 4, 2);
        RouteSummary s = Aggregation.summarise(List.of(Fixtures.run(Route.AUTO,
                List.of(Fixtures.answer(hard, "auto", "reasoning", true, 1000, 100, 200, 3_000_000, 2, true)), 1))).getFirst();
        assertThat(s.escalationDraftsMeasured()).isFalse();
        assertThat(s.activeParamTokensPerAnswer()).isCloseTo(900e6, within(1e-3));
    }

    @Test
    void nearestRankPercentiles() {
        List<Double> v = List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0);
        assertThat(Aggregation.percentile(v, 50)).isEqualTo(5.0);
        assertThat(Aggregation.percentile(v, 99)).isEqualTo(10.0);
        assertThat(Aggregation.percentile(v, 90)).isEqualTo(9.0);
        assertThat(Aggregation.percentile(List.of(7.0), 99)).isEqualTo(7.0);
        assertThat(Aggregation.percentile(List.of(), 50)).isNaN();
    }

    @Test
    void wilsonIntervalHoldsTheRateAndNarrowsWithMoreQueries() {
        Accuracy small = new Accuracy(3, 4);
        Accuracy large = new Accuracy(300, 400);
        assertThat(small.rate()).isEqualTo(0.75);
        assertThat(small.low()).isLessThan(0.75).isGreaterThan(0.0);
        assertThat(small.high()).isGreaterThan(0.75).isLessThanOrEqualTo(1.0);
        assertThat(large.high() - large.low()).isLessThan((small.high() - small.low()) / 5);
        // known value: 8/10 -> [0.490, 0.943]
        Accuracy k = new Accuracy(8, 10);
        assertThat(k.low()).isCloseTo(0.4902, within(1e-3));
        assertThat(k.high()).isCloseTo(0.9433, within(1e-3));
        assertThat(new Accuracy(0, 5).low()).isEqualTo(0.0);
        assertThat(new Accuracy(5, 5).high()).isEqualTo(1.0);
    }
}
