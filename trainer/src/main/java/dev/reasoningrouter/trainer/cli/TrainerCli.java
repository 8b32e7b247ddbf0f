package dev.reasoningrouter.trainer.cli;

import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import dev.reasoningrouter.trainer.data.DataRecipe;
import dev.reasoningrouter.trainer.data.ExampleSampler;
import dev.reasoningrouter.trainer.training.Checkpoint;
import dev.reasoningrouter.trainer.training.ModelPresets;
import dev.reasoningrouter.trainer.training.RunHeader;
import dev.reasoningrouter.trainer.training.TrainBench;
import dev.reasoningrouter.trainer.training.Trainer;
import dev.reasoningrouter.trainer.training.TrainingConfig;
import dev.reasoningrouter.trainer.vocab.TaskVocabulary;
import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tokenizer.ChatTemplate;
import dev.reasoningrouter.trainer.data.Example;
import dev.reasoningrouter.trainer.eval.EvalReport;
import dev.reasoningrouter.trainer.eval.EvalRun;
import dev.reasoningrouter.trainer.export.ExportCheck;
import dev.reasoningrouter.trainer.export.ModelExport;
import dev.reasoningrouter.trainer.export.TrainedTensors;
import dev.reasoningrouter.trainer.data.SequenceEncoder;
import dev.reasoningrouter.trainer.tasks.Forms;
import dev.reasoningrouter.trainer.tasks.Task;
import dev.reasoningrouter.trainer.tasks.TaskKind;
import dev.reasoningrouter.engine.tokenizer.BpeTokenizer;
import dev.reasoningrouter.trainer.tasks.TaskGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import tools.jackson.databind.json.JsonMapper;

/**
 * The trainer's command line ({@code ./rr train COMMAND}). Exit codes: 0 ok, 1 failure, 2 bad usage.
 */
public final class TrainerCli {
    /** The seed of the shipped model; the vocabulary, data and initialisation seeds derive from it. */
    public static final long DEFAULT_SEED = 20261204L;

    static final String HELP = """
            Reasoning Router trainer: trains the project's own small DeepSeek-architecture model on generated tasks.

              run     --run DIR [--preset small|tiny] [--steps N] [--batch-tokens N] [--seed S] [--threads T]
                      [--lr X] [--log-every N] [--checkpoint-every N] [--eval-every N] [--until-step N]
                      [--vocab-size N] [--vocab-samples N] [--max-tokens N]
                      start a run in DIR, or resume the one there (then --steps may extend it)
              export  --run DIR --out FILE.gguf [--type q8_0|f32|f16|bf16] [--safetensors DIR [--safetensors-type bf16|f32]]
                      write the run's model (last checkpoint) as a GGUF the engine serves, and optionally a checkpoint folder
              check   (--run DIR | --model FILE.gguf) [--threads T]
                      the weights (a run's, or a shipped file's dequantised) as float32 GGUF: the engine's logits against
                      the trainer's forward pass, per budget (with --model, also the file as served)
              eval    --model FILE [--per-cell N] [--seed S] [--modes fast-k1,fast-k2,direct-full,reasoning] [--no-critic]
                      [--verify-rounds N] [--verifiers model-critic,re-solve] [--best-of N] [--threads T] [--batch N] [--json FILE] [--items]
                      answer held-out questions through the engine; accuracy per mode, level and kind (JSON with --json)
              heldout [--seed S] [--per-cell N] [--out FILE]
                      the held-out evaluation set as JSON lines (kind, level, question, answer)
              tokens  --model FILE --text TEXT
                      the ids the model's tokenizer gives TEXT (special tokens parsed), comma-separated
              sample  [--count N] [--seed S]
                      training examples as the model sees them (rendered chat text)
              bench   [--preset small|tiny] [--threads T] [--length N] [--sequences N] [--steps N] [--warmup N]
                      training throughput: forward and backward passes over random sequences, tokens/s
              help    this text
            """;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final PrintStream out;
    private final PrintStream err;

    public TrainerCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new TrainerCli(System.out, System.err).run(args));
    }

    public int run(String[] args) {
        String cmd = args.length == 0 ? "help" : args[0];
        try {
            switch (cmd) {
                case "run" -> train(new Options(args, 1, Set.of()));
                case "export" -> export(new Options(args, 1, Set.of()));
                case "check" -> check(new Options(args, 1, Set.of()));
                case "eval" -> evaluate(new Options(args, 1, Set.of("no-critic", "items")));
                case "heldout" -> heldOut(new Options(args, 1, Set.of()));
                case "sample" -> sample(new Options(args, 1, Set.of()));
                case "tokens" -> tokens(new Options(args, 1, Set.of()));
                case "bench" -> bench(new Options(args, 1, Set.of()));
                case "help", "-h", "--help" -> out.print(HELP);
                default -> throw new UsageException("unknown command '" + cmd + "'");
            }
            return 0;
        } catch (UsageException e) {
            err.println("trainer: " + e.getMessage());
            err.print(HELP);
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("trainer: " + e.getMessage());
            return 1;
        }
    }

    private void export(Options o) throws IOException {
        Path runDir = o.path("run");
        Path outFile = o.path("out");
        GgmlType type = type(o.text("type", "q8_0"));
        String st = o.text("safetensors", null);
        GgmlType stType = type(o.text("safetensors-type", "bf16"));
        o.rejectUnknown();
        TrainedTensors t = ModelExport.fromRun(runDir);
        ModelExport.gguf(t, type, outFile);
        out.println("wrote " + outFile + " (" + type.name().toLowerCase(Locale.ROOT) + ", " + Files.size(outFile) + " bytes): " + t.name());
        if (st != null) {
            ModelExport.safetensors(t, stType, Path.of(st));
            out.println("wrote " + st + " (safetensors " + stType.name().toLowerCase(Locale.ROOT) + ", with tokenizer.json)");
        }
    }

    private void check(Options o) throws IOException {
        String run = o.text("run", null);
        String model = o.text("model", null);
        int threads = o.integer("threads", 2);
        o.rejectUnknown();
        if ((run == null) == (model == null)) {
            throw new UsageException("check takes --run DIR (a training run) or --model FILE.gguf (a shipped file), one of them");
        }
        // a shipped file's weights, dequantised, stand in for the run's when the run folder is gone
        TrainedTensors t = run != null ? ModelExport.fromRun(Path.of(run)) : ModelExport.fromGguf(Path.of(model));
        Task task = TaskGenerator.heldOut(EvalRun.DEFAULT_SEED, 1).get(TaskKind.MULTIPLICATION.ordinal() * 4 + 3);
        int[] tokens = new SequenceEncoder(BpeTokenizer.fromVocabulary(t.vocabulary())).encode(Forms.worked(task), 1).tokens();
        if (model != null) {
            // the file as served (its own weight type): reported, not held to the float32 bound
            ExportCheck.Result served = ExportCheck.compare(Path.of(model), t, tokens, threads);
            out.printf(Locale.ROOT, "%s as served: worst max |engine - trainer| / max |logit| over budgets 1..%d = %.2e%n", model,
                    served.relativeDifference().length, served.worst());
            out.println("float32 export of the same weights:");
        }
        ExportCheck.Result r = ExportCheck.compare(t, tokens, threads);
        for (int k = 1; k <= r.relativeDifference().length; k++) {
            out.printf(Locale.ROOT, "k=%d: max |engine - trainer| / max |logit| = %.2e over %d positions x %d tokens%n", k,
                    r.relativeDifference()[k - 1], tokens.length, t.config().vocabSize());
        }
        out.printf(Locale.ROOT, "largest |logit| %.2f; worst relative difference %.2e (%s 1e-5)%n", r.largestLogit(), r.worst(),
                r.worst() <= 1e-5 ? "within" : "OVER");
        if (r.worst() > 1e-5) {
            throw new IllegalStateException("the engine and the trainer disagree on the exported weights");
        }
    }

    private static GgmlType type(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "f32" -> GgmlType.F32;
            case "f16" -> GgmlType.F16;
            case "bf16" -> GgmlType.BF16;
            case "q8_0" -> GgmlType.Q8_0;
            default -> throw new UsageException("--type takes f32, f16, bf16 or q8_0, not '" + name + "'");
        };
    }

    private void evaluate(Options o) throws IOException {
        Path model = o.path("model");
        int perCell = o.integer("per-cell", 25);
        long seed = o.whole("seed", EvalRun.DEFAULT_SEED);
        List<String> modes = List.of(o.text("modes", "fast-k1,fast-k2,direct-full,reasoning").split(","));
        boolean critic = !o.flag("no-critic");
        int bestOf = o.integer("best-of", 0);
        int verifyRounds = o.integer("verify-rounds", 0);
        int threads = o.integer("threads", 2);
        int batch = o.integer("batch", 16);
        String json = o.text("json", null);
        boolean items = o.flag("items");
        List<String> verifiers = List.of(o.text("verifiers", "model-critic").split(","));
        o.rejectUnknown();
        EvalRun.Settings settings = new EvalRun.Settings(perCell, seed, modes, critic, bestOf, verifyRounds, items, verifiers);
        try (ModelHost host = ModelHost.open(model, threads, batch)) {
            EvalReport report = new EvalRun(host, out).run(model.toString(), settings);
            out.print(report.table());
            if (json != null) {
                Files.writeString(Path.of(json), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report.toMap(items)));
                out.println("wrote " + json);
            }
        }
    }

    private void heldOut(Options o) throws IOException {
        long seed = o.whole("seed", EvalRun.DEFAULT_SEED);
        int perCell = o.integer("per-cell", 25);
        String file = o.text("out", null);
        o.rejectUnknown();
        StringBuilder sb = new StringBuilder();
        for (Task t : TaskGenerator.heldOut(seed, perCell)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", t.kind().id());
            m.put("level", t.level());
            m.put("question", t.question());
            m.put("answer", t.answer());
            sb.append(JSON.writeValueAsString(m)).append('\n');
        }
        if (file == null) {
            out.print(sb);
        } else {
            Files.writeString(Path.of(file), sb);
            out.println("wrote " + file);
        }
    }

    private void bench(Options o) throws IOException {
        String preset = o.text("preset", "small");
        int threads = o.integer("threads", 2);
        int length = o.integer("length", 128);
        int sequences = o.integer("sequences", 16);
        int steps = o.integer("steps", 5);
        int warmup = o.integer("warmup", 3);
        o.rejectUnknown();
        ModelConfig c = ModelPresets.named(preset, TaskVocabulary.placeholder(640));
        try {
            TrainBench.Result r = TrainBench.run(c, threads, length, sequences, warmup, steps);
            out.printf(Locale.ROOT, "train-bench preset %s threads %d: %d steps of %d tokens (sequences of %d) in %.1f s: %.0f tokens/s%n",
                    preset, threads, r.steps(), r.tokensPerStep(), length, r.seconds(), r.tokensPerSecond());
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("benchmark failed: " + e.getMessage(), e);
        }
    }

    private void tokens(Options o) {
        Path model = o.path("model");
        String text = o.required("text");
        o.rejectUnknown();
        try (ModelHost host = ModelHost.open(model, 1, 1)) {
            int[] ids = host.tokenizer().encode(text);
            out.println(java.util.Arrays.stream(ids).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(",")));
        }
    }

    private void sample(Options o) {
        int count = o.integer("count", 4);
        long seed = o.whole("seed", DEFAULT_SEED);
        o.rejectUnknown();
        ExampleSampler sampler = new ExampleSampler(DataRecipe.standard(seed + 1, 4, 384));
        ChatTemplate template = ChatTemplate.named(ChatTemplate.DEEPSEEK_V3);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            Example e = sampler.next(rnd);
            out.println("--- " + e.task().kind().id() + " level " + e.task().level() + ", " + e.form().name().toLowerCase(Locale.ROOT)
                    + " form, k = " + e.experts());
            out.println(template.render(e.conversation().turns(), true) + e.conversation().replyPrefix() + e.conversation().reply());
        }
    }

    private static void requireSame(String option, Object given, Object run) {
        if (!given.equals(run)) {
            throw new UsageException("--" + option + " " + given + " differs from the run's " + run + "; a run resumes as it began");
        }
    }

    private void train(Options o) throws IOException {
        Path runDir = o.path("run");
        int threads = o.integer("threads", 2);
        int steps = o.integer("steps", 0);
        int logEvery = o.integer("log-every", 10);
        int checkpointEvery = o.integer("checkpoint-every", 100);
        int evalEvery = o.integer("eval-every", 100);
        int untilStep = o.integer("until-step", 0);
        if (Checkpoint.exists(runDir)) {
            // the options that made the run must agree with it (so that the start command also resumes)
            RunHeader h = Checkpoint.readHeader(runDir);
            requireSame("preset", o.text("preset", h.preset()), h.preset());
            requireSame("seed", o.whole("seed", h.vocabSeed()), h.vocabSeed());
            requireSame("batch-tokens", o.integer("batch-tokens", h.training().batchTokens()), h.training().batchTokens());
            o.rejectUnknown();
            try (Trainer t = Trainer.resume(runDir, threads, steps, out)) {
                t.run(untilStep, logEvery, checkpointEvery, evalEvery);
            }
            return;
        }
        String preset = o.text("preset", "small");
        long seed = o.whole("seed", DEFAULT_SEED);
        int batchTokens = o.integer("batch-tokens", 8192);
        int vocabSize = o.integer("vocab-size", 640);
        int vocabSamples = o.integer("vocab-samples", 20_000);
        int maxTokens = o.integer("max-tokens", 384);
        double lr = o.real("lr", 0);
        o.rejectUnknown();
        if (steps <= 0) {
            throw new UsageException("a new run needs --steps");
        }
        // the vocabulary comes first: the model's size and the budget range follow from it and the preset
        ModelConfig probe = ModelPresets.named(preset, TaskVocabulary.placeholder(vocabSize));
        DataRecipe recipe = DataRecipe.standard(seed + 1, probe.numExpertsPerTok(), Math.min(maxTokens, probe.maxContext()));
        out.println("learning the vocabulary (" + vocabSize + " tokens from " + vocabSamples + " examples)...");
        TokenizerVocabulary vocab = TaskVocabulary.learn(new ExampleSampler(recipe), seed, vocabSamples, vocabSize);
        ModelConfig config = ModelPresets.named(preset, vocab);
        TrainingConfig training = TrainingConfig.standard(steps, batchTokens, seed + 2);
        if (lr > 0) {
            training = training.withPeakLr(lr);
        }
        RunHeader header = new RunHeader(preset, config, training, recipe, seed, 0, 0, 0, Double.NaN);
        try (Trainer t = Trainer.create(runDir, header, vocab, threads, out)) {
            t.run(untilStep, logEvery, checkpointEvery, evalEvery);
        }
    }
}
