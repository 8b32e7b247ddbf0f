package dev.reasoningrouter.trainer.training;

import dev.reasoningrouter.engine.tokenizer.BpeTokenizer;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import dev.reasoningrouter.trainer.data.Example;
import dev.reasoningrouter.trainer.data.ExampleSampler;
import dev.reasoningrouter.trainer.data.SequenceEncoder;
import dev.reasoningrouter.trainer.data.TokenSequence;
import dev.reasoningrouter.trainer.nn.Gradients;
import dev.reasoningrouter.trainer.nn.Parameter;
import dev.reasoningrouter.trainer.nn.TrainableModel;
import dev.reasoningrouter.trainer.optim.AdamW;
import dev.reasoningrouter.trainer.optim.ExpertBalancer;
import dev.reasoningrouter.trainer.optim.LearningRate;
import dev.reasoningrouter.trainer.tasks.Forms;
import dev.reasoningrouter.trainer.tasks.Task;
import dev.reasoningrouter.trainer.tasks.TaskGenerator;
import dev.reasoningrouter.trainer.vocab.VocabularyJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a training run in a run folder: draws each step's batch from the data recipe (from the step number, so a
 * resumed run sees exactly the sequences it would have), splits it over worker threads (each runs forward and
 * backward over its share), sums the gradients, clips them, takes an AdamW step, moves the experts' selection biases
 * toward balance, and now and then logs a progress line, measures the loss on held-out items and writes a checkpoint.
 */
public final class Trainer implements AutoCloseable {
    public static final String VOCAB_FILE = "vocab.json";
    public static final String LOG_FILE = "train.log";

    private final Path runDir;
    private RunHeader header;
    private final TrainableModel model;
    private final AdamW adam;
    private final SequenceEncoder encoder;
    private final ExampleSampler sampler;
    private final List<TrainableModel.Worker> workers = new ArrayList<>();
    private final ExecutorService pool;
    private final PrintStream out;
    private final List<TokenSequence> validation;

    private Trainer(Path runDir, RunHeader header, TokenizerVocabulary vocab, TrainableModel model, AdamW adam, int threads,
                    PrintStream out) {
        this.runDir = runDir;
        this.header = header;
        this.model = model;
        this.adam = adam;
        this.encoder = new SequenceEncoder(BpeTokenizer.fromVocabulary(vocab));
        this.sampler = new ExampleSampler(header.data());
        for (int i = 0; i < threads; i++) {
            workers.add(model.newWorker());
        }
        this.pool = Executors.newFixedThreadPool(threads, r -> Thread.ofPlatform().daemon().name("trainer-worker").unstarted(r));
        this.out = out;
        this.validation = validationSet();
    }

    /** A new run: a fresh model initialised from the training config's seed, its vocabulary saved beside it. */
    public static Trainer create(Path runDir, RunHeader header, TokenizerVocabulary vocab, int threads, PrintStream out)
            throws IOException {
        if (Checkpoint.exists(runDir)) {
            throw new IllegalArgumentException(runDir + " already holds a run; resume it, or choose another folder");
        }
        Files.createDirectories(runDir);
        VocabularyJson.write(vocab, runDir.resolve(VOCAB_FILE));
        TrainableModel model = new TrainableModel(header.model());
        model.initialise(header.training().initSeed());
        AdamW adam = adam(model, header.training());
        Checkpoint.save(runDir, header, model, adam);
        return new Trainer(runDir, header, vocab, model, adam, threads, out);
    }

    /** Continues the run in {@code runDir}; {@code steps}, when positive, replaces the planned total. */
    public static Trainer resume(Path runDir, int threads, int steps, PrintStream out) throws IOException {
        RunHeader header = Checkpoint.readHeader(runDir);
        if (steps > 0 && steps != header.training().steps()) {
            header = header.withTraining(header.training().withSteps(steps));
        }
        TrainableModel model = new TrainableModel(header.model());
        AdamW adam = adam(model, header.training());
        Checkpoint.restore(runDir, model, adam);
        TokenizerVocabulary vocab = VocabularyJson.read(runDir.resolve(VOCAB_FILE));
        return new Trainer(runDir, header, vocab, model, adam, threads, out);
    }

    private static AdamW adam(TrainableModel model, TrainingConfig t) {
        return new AdamW(model.parameters(), t.beta1(), t.beta2(), 1e-8, t.weightDecay());
    }

    public RunHeader header() {
        return header;
    }

    public TrainableModel model() {
        return model;
    }

    /** The sequences of step {@code step}: drawn from the recipe's seed and the step number alone. */
    List<TokenSequence> batch(int step) {
        SplittableRandom rnd = new SplittableRandom(header.data().seed() * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L);
        List<TokenSequence> seqs = new ArrayList<>();
        int tokens = 0;
        while (tokens < header.training().batchTokens()) {
            Example e = sampler.next(rnd);
            TokenSequence s = encoder.encode(e.conversation(), e.experts());
            if (s.length() > header.data().maxTokens()) {
                continue;
            }
            seqs.add(s);
            tokens += s.length();
        }
        return seqs;
    }

    /** A fixed held-out set for the validation loss: two questions per kind and level, direct and worked. */
    private List<TokenSequence> validationSet() {
        List<TokenSequence> v = new ArrayList<>();
        int k = Math.max(1, header.model().numExpertsPerTok());
        for (Task t : TaskGenerator.heldOut(1234, 2)) {
            v.add(encoder.encode(Forms.direct(t), k));
            v.add(encoder.encode(Forms.worked(t), k));
        }
        return v;
    }

    /** Mean loss per target token on the validation set (run in chunks no larger than a worker's share of a step). */
    public double validationLoss() {
        int chunkTokens = Math.max(1, header.training().batchTokens() / workers.size());
        List<List<TokenSequence>> chunks = new ArrayList<>();
        List<TokenSequence> cur = new ArrayList<>();
        int tokens = 0;
        for (TokenSequence s : validation) {
            if (!cur.isEmpty() && tokens + s.length() > chunkTokens) {
                chunks.add(cur);
                cur = new ArrayList<>();
                tokens = 0;
            }
            cur.add(s);
            tokens += s.length();
        }
        chunks.add(cur);
        double loss = 0;
        long targets = 0;
        for (int i = 0; i < chunks.size(); i += workers.size()) {
            List<Callable<TrainableModel.Pass>> jobs = new ArrayList<>();
            for (int j = 0; j < workers.size() && i + j < chunks.size(); j++) {
                TrainableModel.Worker w = workers.get(j);
                List<TokenSequence> chunk = chunks.get(i + j);
                jobs.add(() -> model.loss(w, chunk));
            }
            for (TrainableModel.Pass p : runAll(jobs)) {
                loss += p.lossSum();
                targets += p.targets();
            }
        }
        clearLoads();
        return loss / targets;
    }

    private List<TrainableModel.Pass> runAll(List<Callable<TrainableModel.Pass>> jobs) {
        List<TrainableModel.Pass> out = new ArrayList<>();
        try {
            for (Future<TrainableModel.Pass> f : pool.invokeAll(jobs)) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a training step", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a training worker failed: " + e.getCause(), e.getCause());
        }
        return out;
    }

    /**
     * Trains until the planned number of steps, or until {@code untilStep} when that is smaller and positive.
     * Checkpoints every {@code checkpointEvery} steps and at the end.
     */
    public void run(int untilStep, int logEvery, int checkpointEvery, int evalEvery) throws IOException {
        TrainingConfig t = header.training();
        int last = untilStep > 0 ? Math.min(untilStep, t.steps()) : t.steps();
        LearningRate schedule = new LearningRate(t.peakLr(), t.warmupSteps(), t.steps(), t.minLrFraction(), t.decayFraction());
        log(String.format(Locale.ROOT, "run %s: %s, %,d parameters, step %d of %d, %d worker thread(s)", runDir,
                header.preset(), model.parameterCount(), header.step(), t.steps(), workers.size()));
        long sessionStart = System.nanoTime();
        double secondsBefore = header.seconds();
        long intervalStart = System.nanoTime();
        double lossSum = 0;
        long targetSum = 0, tokenSum = 0;
        int intervalSteps = 0;
        double gradNorm = 0;
        for (int step = header.step(); step < last; step++) {
            List<TokenSequence> batch = batch(step);
            int totalTargets = 0, totalTokens = 0;
            for (TokenSequence s : batch) {
                totalTargets += s.targets();
                totalTokens += s.length();
            }
            double loss = forwardBackward(batch, totalTargets);
            Gradients g = workers.get(0).gradients();
            for (int i = 1; i < workers.size(); i++) {
                g.add(workers.get(i).gradients());
            }
            gradNorm = g.norm();
            if (gradNorm > t.gradClip()) {
                g.scale((float) (t.gradClip() / gradNorm));
            }
            adam.update(g, schedule.at(step));
            balanceExperts(t.biasUpdateRate());
            model.refresh();
            for (TrainableModel.Worker w : workers) {
                w.gradients().zero();
            }
            lossSum += loss;
            targetSum += totalTargets;
            tokenSum += totalTokens;
            intervalSteps++;
            int done = step + 1;
            double seconds = secondsBefore + (System.nanoTime() - sessionStart) / 1e9;
            header = header.advanced(done, header.tokensSeen() + totalTokens, seconds, header.lastLoss());
            boolean logNow = done % logEvery == 0 || done == last;
            if (logNow) {
                double interval = (System.nanoTime() - intervalStart) / 1e9;
                double meanLoss = lossSum / targetSum;
                header = header.advanced(done, header.tokensSeen(), seconds, meanLoss);
                String val = evalEvery > 0 && (done % evalEvery == 0 || done == last)
                        ? String.format(Locale.ROOT, " val %.4f", validationLoss()) : "";
                double perStep = interval / intervalSteps;
                log(String.format(Locale.ROOT, "step %d/%d loss %.4f%s lr %.2e |g| %.2f tok/s %.0f balance %.2f elapsed %s ETA %s",
                        done, t.steps(), meanLoss, val, schedule.at(step), gradNorm, tokenSum / interval, maxImbalance(),
                        duration(seconds), duration(perStep * (t.steps() - done))));
                lossSum = 0;
                targetSum = 0;
                tokenSum = 0;
                intervalSteps = 0;
                intervalStart = System.nanoTime();
            }
            if (done % checkpointEvery == 0 || done == last) {
                Checkpoint.save(runDir, header, model, adam);
            }
            clearLoads();
        }
    }

    /**
     * Pieces per worker a step's batch is cut into: a worker that finishes its piece takes the next, so a core that
     * the shared machine gives less time to does less of the step instead of holding it up.
     */
    private static final int PIECES_PER_WORKER = 4;

    private double forwardBackward(List<TokenSequence> batch, int totalTargets) {
        Queue<List<TokenSequence>> pieces = new ConcurrentLinkedQueue<>(shard(batch, PIECES_PER_WORKER * workers.size()));
        List<Callable<TrainableModel.Pass>> jobs = new ArrayList<>();
        for (TrainableModel.Worker w : workers) {
            jobs.add(() -> {
                double loss = 0;
                int targets = 0;
                for (List<TokenSequence> piece = pieces.poll(); piece != null; piece = pieces.poll()) {
                    if (!piece.isEmpty()) {
                        TrainableModel.Pass p = model.forwardBackward(w, piece, totalTargets);
                        loss += p.lossSum();
                        targets += p.targets();
                    }
                }
                return new TrainableModel.Pass(loss, targets);
            });
        }
        double loss = 0;
        for (TrainableModel.Pass p : runAll(jobs)) {
            loss += p.lossSum();
        }
        return loss;
    }

    /**
     * Splits sequences into {@code n} lists of about the same work, largest first (each list's cost: tokens weighted by
     * the routed experts they run, plus attention's square term).
     */
    static List<List<TokenSequence>> shard(List<TokenSequence> batch, int n) {
        List<List<TokenSequence>> shards = new ArrayList<>();
        double[] cost = new double[n];
        for (int i = 0; i < n; i++) {
            shards.add(new ArrayList<>());
        }
        List<TokenSequence> sorted = new ArrayList<>(batch);
        sorted.sort(Comparator.comparingDouble(Trainer::cost).reversed());
        for (TokenSequence s : sorted) {
            int best = 0;
            for (int i = 1; i < n; i++) {
                if (cost[i] < cost[best]) {
                    best = i;
                }
            }
            shards.get(best).add(s);
            cost[best] += cost(s);
        }
        return shards;
    }

    private static double cost(TokenSequence s) {
        return s.length() * (1 + 0.2 * s.experts()) + s.length() * (double) s.length() / 512;
    }

    private void balanceExperts(double rate) {
        for (int l = 0; l < header.model().numLayers(); l++) {
            Parameter bias = model.selectionBias(l);
            if (bias == null) {
                continue;
            }
            long[] total = new long[bias.size()];
            for (TrainableModel.Worker w : workers) {
                long[] loads = w.loads(l);
                for (int e = 0; e < total.length; e++) {
                    total[e] += loads[e];
                }
            }
            lastLoads[l] = total;
            ExpertBalancer.update(bias, total, rate);
        }
    }

    private final long[][] lastLoads = new long[64][];

    private double maxImbalance() {
        double worst = 1;
        for (long[] loads : lastLoads) {
            if (loads != null) {
                worst = Math.max(worst, ExpertBalancer.imbalance(loads));
            }
        }
        return worst;
    }

    private void clearLoads() {
        for (TrainableModel.Worker w : workers) {
            w.clearLoads();
        }
    }

    private void log(String line) throws IOException {
        out.println(line);
        out.flush();
        Files.writeString(runDir.resolve(LOG_FILE), line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static String duration(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
