package dev.reasoningrouter.engine.kernels.cpu;

import dev.reasoningrouter.engine.kernels.Backend.ParallelTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of worker threads that run index ranges of one task at a time. The calling thread works too
 * (as worker 0). Dispatch allocates nothing: workers spin briefly, then park, waiting for the next generation.
 */
final class WorkerPool implements AutoCloseable {
    private final Thread[] threads;
    private final int size;
    private volatile ParallelTask task;
    private volatile int count;
    private volatile int generation;
    private volatile boolean closed;
    private volatile Throwable failure;
    /** (generation << 32) | next index: a claim only succeeds within the generation the worker joined. */
    private final AtomicLong next = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();

    WorkerPool(int size) {
        this.size = size;
        this.threads = new Thread[size - 1];
        for (int i = 0; i < threads.length; i++) {
            int worker = i + 1;
            threads[i] = Thread.ofPlatform().daemon().name("engine-cpu-" + worker).unstarted(() -> loop(worker));
            threads[i].start();
        }
    }

    int size() {
        return size;
    }

    /** Not re-entrant: one caller at a time (the model's step is single-driver). */
    synchronized void run(int n, ParallelTask t) {
        if (n <= 0) {
            return;
        }
        if (size == 1 || n == 1) {
            for (int i = 0; i < n; i++) {
                t.run(i, 0);
            }
            return;
        }
        task = t;
        count = n;
        done.set(0);
        int g = generation + 1;
        next.set((long) g << 32);
        generation = g;
        for (Thread th : threads) {
            LockSupport.unpark(th);
        }
        work(0, t, n, g);
        int spins = 0;
        while (done.get() < n) {
            if (++spins < 2000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        task = null;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(f);
        }
    }

    private void work(int worker, ParallelTask t, int n, int g) {
        while (true) {
            long v = next.get();
            if ((int) (v >>> 32) != g || (int) v >= n) {
                return;
            }
            if (next.compareAndSet(v, v + 1)) {
                try {
                    t.run((int) v, worker);
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private void loop(int worker) {
        int seen = 0;
        while (!closed) {
            int g = generation;
            if (g == seen) {
                for (int spin = 0; spin < 20000 && generation == seen && !closed; spin++) {
                    Thread.onSpinWait();
                }
                if (generation == seen) {
                    LockSupport.parkNanos(200_000);
                }
                continue;
            }
            seen = g;
            ParallelTask t = task;
            int n = count;
            if (t != null) {
                work(worker, t, n, g);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread th : threads) {
            LockSupport.unpark(th);
        }
    }
}
