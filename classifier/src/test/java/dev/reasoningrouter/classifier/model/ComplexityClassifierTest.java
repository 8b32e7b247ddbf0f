package dev.reasoningrouter.classifier.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reasoningrouter.classifier.training.BinaryMetrics;
import dev.reasoningrouter.classifier.training.Example;
import dev.reasoningrouter.classifier.training.JsonlReader;
import dev.reasoningrouter.contracts.RouteDecision;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The committed artifact on the real encoder. */
class ComplexityClassifierTest {
    private static ComplexityModel model;
    private static MiniLmEmbedder embedder;
    private static ComplexityClassifier classifier;

    @BeforeAll
    static void load() {
        model = new ModelStore().readClasspath(ModelStore.CLASSPATH_LOCATION);
        embedder = new MiniLmEmbedder(MiniLmEmbedder.Variant.byId(model.embedding()), model.windowTokens(), 1);
        classifier = new ComplexityClassifier(model, embedder);
    }

    @Test
    void committedModelRanksDevAboveTheBar() {
        List<Example> dev = new JsonlReader().read(Path.of("data/dev.jsonl"));
        double[] scores = new double[dev.size()];
        boolean[] y = new boolean[dev.size()];
        for (int i = 0; i < dev.size(); i++) {
            scores[i] = classifier.classify(dev.get(i).text()).score();
            y[i] = dev.get(i).reasoning();
        }
        BinaryMetrics m = BinaryMetrics.of(scores, y, model.threshold());
        assertThat(m.rocAuc()).isGreaterThanOrEqualTo(0.97);
        assertThat(m.recall()).isGreaterThanOrEqualTo(model.calibration().targetRecall());
    }

    @Test
    void obviousQueriesGoWhereTheyShould() {
        Classification math = classifier.classify("A farmer has 17 sheep and buys 3 times as many goats. He sells 12 animals."
                + " How many animals does he have left?");
        assertThat(math.route()).isEqualTo(RouteDecision.REASONING);
        assertThat(math.taskType()).isEqualTo("math");
        Classification code = classifier.classify("Write a python function to check whether a string is a palindrome.");
        assertThat(code.route()).isEqualTo(RouteDecision.REASONING);
        assertThat(code.taskType()).isEqualTo("code");
        Classification chat = classifier.classify("what's the weather like today");
        assertThat(chat.route()).isEqualTo(RouteDecision.FAST);
        Classification fact = classifier.classify("Who was the first president of the United States?");
        assertThat(fact.route()).isEqualTo(RouteDecision.FAST);
        assertThat(fact.score()).isBetween(0.0, 1.0);
        assertThat(fact.modelVersion()).isEqualTo(model.version());
        assertThat(fact.threshold()).isEqualTo(model.threshold());
        assertThat(fact.latencyMs()).isPositive();
        assertThat(fact.windows()).isEqualTo(1);
        assertThat(fact.truncated()).isFalse();
    }

    @Test
    void perRequestThresholdDecidesTheRoute() {
        String q = "Who was the first president of the United States?";
        double score = classifier.classify(q).score();
        assertThat(classifier.classify(q, 0.0).route()).isEqualTo(RouteDecision.REASONING);
        assertThat(classifier.classify(q, 1.0).route()).isEqualTo(score >= 1.0 ? RouteDecision.REASONING : RouteDecision.FAST);
        assertThat(classifier.classify(q, 0.0).threshold()).isEqualTo(0.0);
        ComplexityClassifier strict = new ComplexityClassifier(model, embedder, 0.0);
        assertThat(strict.classify(q).route()).isEqualTo(RouteDecision.REASONING);
        assertThatThrownBy(() -> classifier.classify(q, 1.5)).hasMessageContaining("threshold");
        assertThatThrownBy(() -> classifier.classify("  ")).hasMessageContaining("non-empty");
    }

    @Test
    void longTextsAreReadAsHeadAndTailWindows() {
        String middle = "The committee met again and discussed the minutes of the previous meeting at length. ".repeat(60);
        String head = "Summarize the following meeting notes. ";
        String tail = " Then compute how many meetings are needed if each covers 7 of the 150 open items.";
        TextEmbedder.EmbeddedText medium = embedder.embed(head + middle.substring(0, 1500));
        assertThat(medium.windows()).isEqualTo(2);
        assertThat(medium.truncated()).isFalse();
        TextEmbedder.EmbeddedText longText = embedder.embed(head + middle + tail);
        assertThat(longText.tokens()).isGreaterThan(2 * 254);
        assertThat(longText.windows()).isEqualTo(2);
        assertThat(longText.truncated()).isTrue();
        // the tail (the actual question) moves the vector: it is read, not cut off
        TextEmbedder.EmbeddedText withoutTail = embedder.embed(head + middle);
        assertThat(cosine(longText.vector(), withoutTail.vector())).isLessThan(0.999);
        assertThat(norm(longText.vector())).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
        Classification c = classifier.classify(head + middle + tail);
        assertThat(c.windows()).isEqualTo(2);
        assertThat(c.truncated()).isTrue();
        // non-BMP characters before the cut must not break the code-point to UTF-16 mapping
        TextEmbedder.EmbeddedText emoji = embedder.embed("😀🎉 ".repeat(300) + "what is 2+2?");
        assertThat(emoji.windows()).isEqualTo(2);
    }

    @Test
    void modelFromAnotherEncoderIsRefused() {
        ComplexityModel other = new ComplexityModel(model.version(), "all-minilm-l6-v2", model.windowTokens(),
                model.structuralFeatures(), model.structuralMean(), model.structuralStd(), model.anchors(), model.route(), model.taskTypes(),
                model.task(), model.threshold(), model.calibration(), model.lengthBaseline(), model.training(), model.devMetrics());
        if (!other.embedding().equals(model.embedding())) {
            assertThatThrownBy(() -> new ComplexityClassifier(other, embedder)).hasMessageContaining("trained on embedding");
        }
    }

    @Test
    void artifactRoundTripsThroughJson() {
        ModelStore store = new ModelStore();
        String json = store.toJson(model);
        assertThat(json).contains("\"threshold\"", "\"calibration\"", "\"version\"", "\"devMetrics\"");
        assertThat(json.length()).isLessThan(200_000);
    }

    private static double cosine(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s / (norm(a) * norm(b));
    }

    private static double norm(float[] a) {
        double s = 0;
        for (float v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
