package dev.reasoningrouter.classifier.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reasoningrouter.classifier.model.ComplexityModel;
import dev.reasoningrouter.classifier.model.ModelStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ClassifierCliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return new ClassifierCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Path.of("").toAbsolutePath()).run(args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void evalJsonIsOneObjectWithTheRequiredFields() throws Exception {
        Path f = dir.resolve("small.jsonl");
        List<String> lines = Files.readAllLines(Path.of("data/dev.jsonl"));
        Files.write(f, lines.subList(0, 40));
        assertThat(run("eval", f.toString(), "--json")).isZero();
        JsonNode j = JsonMapper.builder().build().readTree(stdout());
        assertThat(j.get("n").asInt()).isEqualTo(40);
        assertThat(j.get("roc_auc").asDouble()).isBetween(0.9, 1.0);
        assertThat(j.get("accuracy").asDouble()).isBetween(0.8, 1.0);
        assertThat(j.get("threshold").asDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("length_baseline").get("roc_auc").isNumber()).isTrue();
        assertThat(j.get("per_source").size()).isGreaterThan(1);
        assertThat(j.get("latency_ms").get("p99").asDouble()).isPositive();

        assertThat(run("eval", "--threshold", "0.0", f.toString(), "--json")).isZero();
        JsonNode all = JsonMapper.builder().build().readTree(stdout());
        assertThat(all.get("threshold").asDouble()).isEqualTo(0.0);
        assertThat(all.get("recall").asDouble()).isEqualTo(1.0);

        assertThat(run("eval", f.toString())).isZero();
        assertThat(stdout()).contains("roc_auc", "length-baseline", "confusion", "per source", "p99");
    }

    @Test
    void classifyPrintsOneDecision() throws Exception {
        assertThat(run("classify", "Prove that the square root of 2 is irrational.")).isZero();
        JsonNode j = JsonMapper.builder().build().readTree(stdout());
        assertThat(j.get("route").asString()).isIn("fast", "reasoning");
        assertThat(j.get("score").asDouble()).isBetween(0.0, 1.0);
        assertThat(j.has("taskType")).isTrue();
    }

    @Test
    void trainIsDeterministicFromTheSeedAndWritesALoadableArtifact() throws Exception {
        Path train = dir.resolve("train.jsonl");
        Path dev = dir.resolve("dev.jsonl");
        List<String> all = Files.readAllLines(Path.of("data/train.jsonl"));
        Files.write(train, all.subList(0, 120));
        Files.write(dev, Files.readAllLines(Path.of("data/dev.jsonl")).subList(0, 40));
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        Path c = dir.resolve("c.json");
        assertThat(run("train", "--train", train.toString(), "--dev", dev.toString(), "--out", a.toString(), "--seed", "5", "--no-cache",
                "--iterations", "60")).isZero();
        assertThat(stdout()).contains("roc_auc", "threshold");
        assertThat(run("train", "--train", train.toString(), "--dev", dev.toString(), "--out", b.toString(), "--seed", "5", "--no-cache",
                "--iterations", "60")).isZero();
        assertThat(run("train", "--train", train.toString(), "--dev", dev.toString(), "--out", c.toString(), "--seed", "6", "--no-cache",
                "--iterations", "60")).isZero();
        assertThat(Files.readString(a)).isEqualTo(Files.readString(b));
        assertThat(Files.readString(a)).isNotEqualTo(Files.readString(c));
        ComplexityModel m = new ModelStore().read(a);
        assertThat(m.training().get("seed")).isEqualTo(5);
        assertThat(m.threshold()).isBetween(0.0, 1.0);
        assertThat(run("classify", "--model", a.toString(), "hello there")).isZero();
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> run("eval")).hasMessageContaining("missing FILE");
        assertThatThrownBy(() -> run("frobnicate")).hasMessageContaining("unknown command 'frobnicate'");
        assertThatThrownBy(() -> run("classify", "x", "--threshold", "abc")).hasMessageContaining("--threshold must be a number");
        assertThatThrownBy(() -> run("classify", "x", "--bogus")).hasMessageContaining("unexpected arguments");
    }
}
