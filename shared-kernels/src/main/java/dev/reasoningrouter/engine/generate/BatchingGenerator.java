package dev.reasoningrouter.engine.generate;

import dev.reasoningrouter.engine.model.InferenceModel;
import dev.reasoningrouter.engine.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Continuous batching for services: requests from any thread join the batch between decode steps; finished
 * sequences leave after the step that ends them; all sequences in flight share each step, each with its own expert
 * budget. One background thread drives the model; listeners run on that thread. How many sequences share a step is
 * the {@link BatchLimit}'s call, asked before every step; waiting requests are admitted first come, first served.
 * Steps go through a {@link Generator}, so on a model that chooses tokens on the device each sequence that allows it
 * gets only its next id and log-probability back per step ({@link Generator#choosesOnDevice}).
 */
public final class BatchingGenerator implements AutoCloseable {

    /** Told after every decode step, on the generator's thread (for metrics: keep it quick). */
    @FunctionalInterface
    public interface StepListener {
        void stepDone(int rows, long nanos);

        StepListener NONE = (rows, nanos) -> {};
    }

    private record Pending(GenerationRequest request, TokenListener listener, CancellationToken cancel,
                           CompletableFuture<GenerationResult> future) {}

    private record Active(SequenceRun run, CompletableFuture<GenerationResult> future) {}

    private final Generator generator;
    private final BatchLimit limit;
    private final StepListener steps;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile int activeCount;

    /** @param maxBatch the most sequences decoded together; more wait in the queue */
    public BatchingGenerator(InferenceModel model, Tokenizer tokenizer, int maxBatch) {
        this(model, tokenizer, BatchLimit.fixed(maxBatch), StepListener.NONE);
    }

    public BatchingGenerator(InferenceModel model, Tokenizer tokenizer, BatchLimit limit, StepListener steps) {
        this.generator = new Generator(model, tokenizer);
        this.limit = limit;
        this.steps = steps == null ? StepListener.NONE : steps;
        this.thread = Thread.ofPlatform().name("engine-generator").daemon().start(this::loop);
    }

    /** Queues a request; the future completes with its result (or exceptionally if it was invalid). */
    public CompletableFuture<GenerationResult> submit(GenerationRequest request, TokenListener listener, CancellationToken cancel) {
        if (closed) {
            throw new IllegalStateException("generator is closed");
        }
        CompletableFuture<GenerationResult> f = new CompletableFuture<>();
        queue.add(new Pending(request, listener, cancel, f));
        return f;
    }

    /** Requests waiting to join the batch. */
    public int waiting() {
        return queue.size();
    }

    /** Sequences in the running batch. */
    public int active() {
        return activeCount;
    }

    private int room(List<Active> active) {
        return Math.max(1, limit.maxActive()) - active.size();
    }

    private void loop() {
        List<Active> active = new ArrayList<>();
        List<SequenceRun> runs = new ArrayList<>();
        while (!closed) {
            try {
                Pending p = active.isEmpty() ? queue.poll(100, TimeUnit.MILLISECONDS) : room(active) > 0 ? queue.poll() : null;
                while (p != null) {
                    try {
                        SequenceRun r = generator.start(p.request(), p.listener(), p.cancel());
                        if (r.finished()) {
                            p.future().complete(r.result());
                        } else {
                            active.add(new Active(r, p.future()));
                        }
                    } catch (RuntimeException e) {
                        p.future().completeExceptionally(e);
                    }
                    p = room(active) > 0 ? queue.poll() : null;
                }
                activeCount = active.size();
                if (active.isEmpty()) {
                    continue;
                }
                runs.clear();
                for (Active a : active) {
                    runs.add(a.run());
                }
                long t0 = System.nanoTime();
                generator.decodeStep(runs);
                long dt = System.nanoTime() - t0;
                active.removeIf(a -> {
                    if (a.run().finished()) {
                        a.future().complete(a.run().result());
                        return true;
                    }
                    return false;
                });
                limit.stepDone(runs.size(), dt, queue.size());
                steps.stepDone(runs.size(), dt);
                activeCount = active.size();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                for (Active a : active) {
                    a.run().cache.close();
                    a.future().completeExceptionally(e);
                }
                active.clear();
                activeCount = 0;
            }
        }
        for (Active a : active) {
            a.run().finish(FinishReason.CANCELLED);
            a.future().complete(a.run().result());
        }
        Pending p;
        while ((p = queue.poll()) != null) {
            p.future().completeExceptionally(new IllegalStateException("generator closed"));
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
