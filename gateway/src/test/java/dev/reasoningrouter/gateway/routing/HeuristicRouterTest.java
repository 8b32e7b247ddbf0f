package dev.reasoningrouter.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.contracts.RouteDecision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class HeuristicRouterTest {
    private final HeuristicRouter heuristic = new HeuristicRouter();

    @Test
    void obviousCasesGoWhereTheyShould() {
        for (String hard : List.of("Prove that there are infinitely many primes.", "Solve x^2 - 5x + 6 = 0 step by step.",
                "Write a function that returns the longest palindromic substring, and explain its complexity.")) {
            RouteDecision d = heuristic.decide(hard, 0.5);
            assertThat(d.route()).as(hard).isEqualTo("reasoning");
            assertThat(d.source()).isEqualTo(RouteDecision.SOURCE_HEURISTIC);
        }
        for (String routine : List.of("What is the capital of France?", "Translate 'good morning' into Spanish.", "Hello!")) {
            assertThat(heuristic.decide(routine, 0.5).route()).as(routine).isEqualTo("fast");
        }
        assertThat(heuristic.score("")).isBetween(0.0, 0.5);
    }

    /** How often the heuristic agrees with the labels of the classifier's held-out set: fitted on the training set, it must generalise. */
    @Test
    void itAgreesWithTheLabelsOfTheClassifiersDevSetMostOfTheTime() throws Exception {
        Path dev = Path.of(System.getProperty("rr.repo.root", ".."), "classifier", "data", "dev.jsonl");
        JsonMapper json = JsonMapper.builder().build();
        int n = 0;
        int agree = 0;
        for (String line : Files.readAllLines(dev)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode example = json.readTree(line);
            boolean reasoning = !"routine".equals(example.path("label").asString());
            boolean routed = heuristic.decide(example.path("text").asString(), 0.5).route().equals("reasoning");
            n++;
            agree += reasoning == routed ? 1 : 0;
        }
        double accuracy = (double) agree / n;
        System.out.printf("heuristic agrees with %d of %d dev labels (%.1f %%)%n", agree, n, 100 * accuracy);
        assertThat(n).isGreaterThan(100);
        assertThat(accuracy).isGreaterThan(0.8);
    }
}
