package dev.reasoningrouter.trainer.training;

import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.trainer.data.TokenSequence;
import dev.reasoningrouter.trainer.nn.TrainableModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Training throughput of a model shape: forward and backward passes over random sequences of a fixed length (the whole
 * sequence as reply, every budget k in turn), split over worker threads as a training step splits its batch; no
 * optimiser step. Reports tokens per second after warm-up steps.
 */
public final class TrainBench {
    /** The figures of one measurement. */
    public record Result(int threads, int tokensPerStep, int steps, double seconds, double tokensPerSecond) {}

    private TrainBench() {}

    public static Result run(ModelConfig c, int threads, int sequenceLength, int sequencesPerWorker, int warmup, int steps)
            throws Exception {
        TrainableModel model = new TrainableModel(c);
        model.initialise(1);
        List<TrainableModel.Worker> workers = new ArrayList<>();
        List<List<TokenSequence>> shards = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(2);
        for (int w = 0; w < threads; w++) {
            workers.add(model.newWorker());
            List<TokenSequence> shard = new ArrayList<>();
            for (int s = 0; s < sequencesPerWorker; s++) {
                int[] ids = new int[sequenceLength];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = rnd.nextInt(c.vocabSize());
                }
                shard.add(new TokenSequence(ids, 1, 1 + s % Math.max(1, c.numExpertsPerTok())));
            }
            shards.add(shard);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = 0;
            for (int step = 0; step < warmup + steps; step++) {
                if (step == warmup) {
                    start = System.nanoTime();
                }
                List<Callable<Object>> jobs = new ArrayList<>();
                for (int w = 0; w < threads; w++) {
                    TrainableModel.Worker worker = workers.get(w);
                    List<TokenSequence> shard = shards.get(w);
                    jobs.add(() -> model.forwardBackward(worker, shard, 1.0));
                }
                for (Future<Object> f : pool.invokeAll(jobs)) {
                    f.get();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            int perStep = threads * sequencesPerWorker * sequenceLength;
            return new Result(threads, perStep, steps, seconds, perStep * (double) steps / seconds);
        } finally {
            pool.shutdownNow();
        }
    }
}
