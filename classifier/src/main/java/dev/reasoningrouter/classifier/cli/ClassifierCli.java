package dev.reasoningrouter.classifier.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.reasoningrouter.classifier.model.Classification;
import dev.reasoningrouter.classifier.model.ComplexityClassifier;
import dev.reasoningrouter.classifier.model.ComplexityModel;
import dev.reasoningrouter.classifier.model.MiniLmEmbedder;
import dev.reasoningrouter.classifier.model.ExtraFeatures;
import dev.reasoningrouter.classifier.model.ModelStore;
import dev.reasoningrouter.classifier.model.StructuralFeatures;
import dev.reasoningrouter.classifier.training.CachingEmbedder;
import dev.reasoningrouter.classifier.training.Evaluator;
import dev.reasoningrouter.classifier.training.Example;
import dev.reasoningrouter.classifier.training.HeadTrainer;
import dev.reasoningrouter.classifier.training.JsonlReader;
import dev.reasoningrouter.classifier.training.LeaveOneSourceOut;
import dev.reasoningrouter.classifier.training.Trainer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The classifier's offline commands, without the web server:
 * <pre>
 * train [--seed N] [--out PATH] [--train FILE] [--dev FILE] [--embedding all-minilm-l6-v2-q|all-minilm-l6-v2]
 *       [--features none|structural|anchors|NAME,...] [--l2 X] [--iterations N] [--target-recall R] [--no-cache]
 * eval FILE [--json] [--threshold T] [--model PATH]
 * classify TEXT [--threshold T] [--model PATH]
 * loso [--seed N] [--train FILE] [--dev FILE] [--embedding ID] [--features none|structural|anchors|NAME,...] [--l2 X] [--iterations N] [--no-cache]
 * bench [--chars N] [--iterations N] [--threads N] [--model PATH]
 * </pre>
 * Paths default to the repository layout (run from the repository root or from {@code classifier/}).
 * Results go to stdout; logs and progress to stderr.
 */
public final class ClassifierCli {
    private static final String USAGE = """
            usage: ClassifierCli <command> [options]
              train [--seed N] [--out PATH] [--train FILE] [--dev FILE] [--embedding ID] [--features none|structural|anchors|NAME,...] [--l2 X] [--iterations N]
                    [--target-recall R] [--no-cache]
              eval FILE [--json] [--threshold T] [--model PATH]
              classify TEXT [--threshold T] [--model PATH]
              loso [--seed N] [--train FILE] [--dev FILE] [--embedding ID] [--features none|structural|anchors|NAME,...] [--l2 X] [--iterations N] [--no-cache]
              bench [--chars N] [--iterations N] [--threads N] [--model PATH]
            embedding ids: all-minilm-l6-v2-q (default), all-minilm-l6-v2""";

    /** The features of the committed model (chosen by leave-one-source-out, see the README). */
    static final String DEFAULT_FEATURES = "anchors";

    private final PrintStream out;
    private final PrintStream err;
    private final Path moduleDir;

    ClassifierCli(PrintStream out, PrintStream err, Path moduleDir) {
        this.out = out;
        this.err = err;
        this.moduleDir = moduleDir;
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        System.setOut(System.err); // library chatter must not mix with results (eval --json is one object)
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        ((Logger) LoggerFactory.getLogger("ai.djl")).setLevel(Level.ERROR); // "no GPU" notices from the tokenizer library
        int rc;
        try {
            rc = new ClassifierCli(out, System.err, locateModule()).run(args);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            rc = 2;
        }
        out.flush();
        System.exit(rc);
    }

    int run(String[] argv) {
        if (argv.length == 0) {
            err.println(USAGE);
            return 2;
        }
        Args a = new Args(Arrays.copyOfRange(argv, 1, argv.length));
        return switch (argv[0]) {
            case "train" -> train(a);
            case "eval" -> eval(a);
            case "classify" -> classify(a);
            case "loso" -> loso(a);
            case "bench" -> bench(a);
            case "-h", "--help", "help" -> {
                out.println(USAGE);
                yield 0;
            }
            default -> throw new IllegalArgumentException("unknown command '" + argv[0] + "'\n" + USAGE);
        };
    }

    private int train(Args a) {
        Path trainFile = a.path("--train", moduleDir.resolve("data/train.jsonl"));
        Path devFile = a.path("--dev", moduleDir.resolve("data/dev.jsonl"));
        Path outFile = a.path("--out", moduleDir.resolve("src/main/resources/" + ModelStore.CLASSPATH_LOCATION));
        Trainer.Options options = options(a);
        CachingEmbedder embedder = embedder(a);
        List<Example> train = new JsonlReader().read(trainFile);
        List<Example> dev = new JsonlReader().read(devFile);
        a.done();
        err.printf("training on %d examples (%s), calibrating on %d (%s), embedding %s ...%n",
                train.size(), trainFile, dev.size(), devFile, embedder.name());
        long t0 = System.nanoTime();
        Trainer trainer = new Trainer(embedder, MiniLmEmbedder.DEFAULT_WINDOW_TOKENS);
        ComplexityModel model = trainer.train(train, dev, options, relative(trainFile), relative(devFile));
        embedder.save();
        new ModelStore().write(model, outFile);
        out.printf(Locale.ROOT, "model %s written to %s (%.1f s)%n", model.version(), outFile, (System.nanoTime() - t0) / 1e9);
        out.printf(Locale.ROOT, "threshold %.6f  (%s)%n", model.threshold(), model.calibration().goal());
        out.println("dev metrics:");
        model.devMetrics().forEach((k, v) -> out.printf(Locale.ROOT, "  %-26s %s%n", k,
                v instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : v));
        return 0;
    }

    private int eval(Args a) {
        boolean json = a.flag("--json");
        Double threshold = a.dbl("--threshold");
        ComplexityModel model = loadModel(a);
        String file = a.positional("FILE");
        a.done();
        List<Example> examples = new JsonlReader().read(Path.of(file));
        ComplexityClassifier classifier = classifier(model);
        Evaluator.Report report = new Evaluator(classifier).evaluate(examples,
                threshold == null ? model.threshold() : threshold, file);
        if (json) {
            out.println(JsonMapper.builder().build().writeValueAsString(report.toJson()));
        } else {
            out.print(report.toText());
        }
        return 0;
    }

    private int classify(Args a) {
        Double threshold = a.dbl("--threshold");
        ComplexityModel model = loadModel(a);
        String text = a.positional("TEXT");
        a.done();
        Classification c = classifier(model).classify(text, threshold);
        out.println(JsonMapper.builder().build().writeValueAsString(c));
        return 0;
    }

    private int loso(Args a) {
        Path trainFile = a.path("--train", moduleDir.resolve("data/train.jsonl"));
        Path devFile = a.path("--dev", moduleDir.resolve("data/dev.jsonl"));
        Trainer.Options options = options(a);
        CachingEmbedder embedder = embedder(a);
        a.done();
        List<Example> train = new JsonlReader().read(trainFile);
        List<Example> dev = new JsonlReader().read(devFile);
        Trainer trainer = new Trainer(embedder, MiniLmEmbedder.DEFAULT_WINDOW_TOKENS);
        List<LeaveOneSourceOut.Row> rows = new LeaveOneSourceOut(trainer, options).run(train, dev);
        embedder.save();
        out.printf("leave-one-source-out (%s, extra features: %s, seed %d)%n", embedder.name(),
                options.structural().isEmpty() ? "none" : String.join(",", options.structural()), options.seed());
        out.print(LeaveOneSourceOut.toText(rows));
        return 0;
    }

    private int bench(Args a) {
        int chars = a.integer("--chars", 300);
        int iterations = a.integer("--iterations", 2000);
        int threads = a.integer("--threads", 1);
        ComplexityModel model = loadModel(a);
        a.done();
        ComplexityClassifier classifier = new ComplexityClassifier(model,
                new MiniLmEmbedder(MiniLmEmbedder.Variant.byId(model.embedding()), model.windowTokens(), threads));
        String base = "A train leaves the station at 9:40 and travels at 72 km/h; a second train leaves the same station "
                + "35 minutes later on the parallel track at 90 km/h. At what time does the second train catch up with the "
                + "first, and how far from the station are they then? Show each step of the calculation and check the result. ";
        String text = base.repeat(chars / base.length() + 1).substring(0, chars);
        for (int i = 0; i < 200; i++) {
            classifier.classify(text);
        }
        // Wall time is what a caller sees; CPU time of this thread (ONNX runs on the calling thread with
        // one intra-op thread) separates the work itself from waiting for a core on a busy machine.
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] ms = new double[iterations];
        double[] cpu = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long c = mx.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            classifier.classify(text);
            ms[i] = (System.nanoTime() - t) / 1e6;
            cpu[i] = (mx.getCurrentThreadCpuTime() - c) / 1e6;
        }
        Arrays.sort(ms);
        Arrays.sort(cpu);
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("chars", chars);
        r.put("tokens", classifier.classify(text).tokens());
        r.put("iterations", iterations);
        r.put("embedding", model.embedding());
        r.put("p50_ms", pct(ms, 50));
        r.put("p90_ms", pct(ms, 90));
        r.put("p99_ms", pct(ms, 99));
        r.put("max_ms", ms[ms.length - 1]);
        r.put("mean_ms", Arrays.stream(ms).average().orElse(0));
        if (threads == 1) {
            r.put("cpu_p50_ms", pct(cpu, 50));
            r.put("cpu_p99_ms", pct(cpu, 99));
        }
        r.put("load_average_1m_at_end", load);
        r.put("onnx_threads", threads);
        r.put("cpus", Runtime.getRuntime().availableProcessors());
        out.println(JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(r));
        return 0;
    }

    private static double pct(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private Trainer.Options options(Args a) {
        long seed = a.integer("--seed", 42);
        String features = a.string("--features", DEFAULT_FEATURES);
        List<String> structural = switch (features) {
            case "none" -> List.of();
            case "structural" -> StructuralFeatures.NAMES;
            case "anchors" -> List.of(ExtraFeatures.ANCHOR_REASONING, ExtraFeatures.ANCHOR_ROUTINE);
            default -> List.of(features.split(","));
        };
        for (String name : structural) {
            if (!ExtraFeatures.known(name)) {
                throw new IllegalArgumentException("unknown feature '" + name + "'; known: " + StructuralFeatures.NAMES + ", "
                        + ExtraFeatures.ANCHOR_REASONING + ", " + ExtraFeatures.ANCHOR_ROUTINE);
            }
        }
        Double l2 = a.dbl("--l2");
        int iterations = a.integer("--iterations", HeadTrainer.Hyper.DEFAULT.iterations());
        Double target = a.dbl("--target-recall");
        double recall = target == null ? 0.95 : target;
        if (!(recall > 0 && recall <= 1)) {
            throw new IllegalArgumentException("--target-recall must be in (0, 1], got " + recall);
        }
        return new Trainer.Options(seed, structural, new HeadTrainer.Hyper(iterations,
                HeadTrainer.Hyper.DEFAULT.learningRate(), l2 == null ? HeadTrainer.Hyper.DEFAULT.l2() : l2), recall);
    }

    private CachingEmbedder embedder(Args a) {
        String id = a.string("--embedding", MiniLmEmbedder.Variant.QUANTIZED.id());
        MiniLmEmbedder.Variant variant = MiniLmEmbedder.Variant.byId(id);
        boolean cache = !a.flag("--no-cache");
        return new CachingEmbedder(new MiniLmEmbedder(variant, MiniLmEmbedder.DEFAULT_WINDOW_TOKENS),
                cache ? moduleDir.resolve("target/embedding-cache/" + id + ".bin") : null);
    }

    /** --model PATH, else the artifact in the source tree (fresh after train), else the one on the classpath. */
    private ComplexityModel loadModel(Args a) {
        ModelStore store = new ModelStore();
        Path explicit = a.path("--model", null);
        if (explicit != null) {
            return store.read(explicit);
        }
        Path source = moduleDir.resolve("src/main/resources/" + ModelStore.CLASSPATH_LOCATION);
        if (Files.isRegularFile(source)) {
            return store.read(source);
        }
        return store.readClasspath(ModelStore.CLASSPATH_LOCATION);
    }

    private static ComplexityClassifier classifier(ComplexityModel model) {
        return new ComplexityClassifier(model,
                new MiniLmEmbedder(MiniLmEmbedder.Variant.byId(model.embedding()), model.windowTokens(), 1));
    }

    private String relative(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path root = moduleDir.toAbsolutePath().normalize().getParent();
        return root != null && abs.startsWith(root) ? root.relativize(abs).toString() : p.toString();
    }

    /** The classifier module directory: the working directory or its {@code classifier/} child. */
    static Path locateModule() {
        Path cwd = Path.of("").toAbsolutePath();
        if (Files.isDirectory(cwd.resolve("classifier/data"))) {
            return cwd.resolve("classifier");
        }
        return cwd;
    }

    /** Minimal option parser: {@code --name value}, {@code --flag}, positionals; unknown options are errors. */
    static final class Args {
        private final List<String> rest;

        Args(String[] args) {
            this.rest = new ArrayList<>(List.of(args));
        }

        boolean flag(String name) {
            return rest.remove(name);
        }

        String string(String name, String fallback) {
            int i = rest.indexOf(name);
            if (i < 0) {
                return fallback;
            }
            if (i + 1 >= rest.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String v = rest.remove(i + 1);
            rest.remove(i);
            return v;
        }

        Path path(String name, Path fallback) {
            String v = string(name, null);
            return v == null ? fallback : Path.of(v);
        }

        Double dbl(String name) {
            String v = string(name, null);
            try {
                return v == null ? null : Double.valueOf(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a number, got '" + v + "'");
            }
        }

        int integer(String name, int fallback) {
            String v = string(name, null);
            try {
                return v == null ? fallback : Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
            }
        }

        String positional(String what) {
            for (int i = 0; i < rest.size(); i++) {
                if (!rest.get(i).startsWith("--")) {
                    return rest.remove(i);
                }
            }
            throw new IllegalArgumentException("missing " + what);
        }

        void done() {
            if (!rest.isEmpty()) {
                throw new IllegalArgumentException("unexpected arguments: " + rest);
            }
        }
    }
}
