package dev.reasoningrouter.trainer.cli;

import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import dev.reasoningrouter.trainer.data.DataRecipe;
import dev.reasoningrouter.trainer.data.ExampleSampler;
import dev.reasoningrouter.trainer.run.Checkpoint;
import dev.reasoningrouter.trainer.run.ModelPresets;
import dev.reasoningrouter.trainer.run.RunHeader;
import dev.reasoningrouter.trainer.run.Trainer;
import dev.reasoningrouter.trainer.run.TrainingConfig;
import dev.reasoningrouter.trainer.vocab.TaskVocabulary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

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
              help    this text
            """;

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

    private void train(Options o) throws IOException {
        Path runDir = o.path("run");
        int threads = o.integer("threads", 2);
        int steps = o.integer("steps", 0);
        int logEvery = o.integer("log-every", 10);
        int checkpointEvery = o.integer("checkpoint-every", 100);
        int evalEvery = o.integer("eval-every", 100);
        int untilStep = o.integer("until-step", 0);
        if (Checkpoint.exists(runDir)) {
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
