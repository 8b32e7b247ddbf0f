package dev.reasoningrouter.engine.kernels.cpu;

import dev.reasoningrouter.engine.kernels.Backend.ParallelTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of worker threads that run the indices {@code [0, n)} of one task at a time. The calling thread works
 * too (as worker 0). Dispatch allocates nothing: workers spin briefly, then park, waiting for the next generation.
 *
 * <p>Each worker owns a contiguous share of the indices and claims them in order from its own cursor, so in a
 * mat-vec it streams one long run of weight rows (what the hardware prefetcher wants) and its claims touch a cache
 * line no other core writes. A worker that finishes its share steals from the others' cursors, which keeps a
 * preempted or slower core from holding up the step on a shared machine. Measured on 2 cores with 0.8 MB Q8_0
 * matrices: one shared claim counter over 32 chunks ran at 16 GB/s, per-worker shares at 27–30 GB/s.
 */
final class WorkerPool implements AutoCloseable {
    /** Longs between two cursors: each cursor on its own 128-byte line pair (no false sharing). */
    private static final int PAD = 16;

    private final Thread[] threads;
    private final int size;
    private volatile ParallelTask task;
    private volatile int count;
    private volatile int generation;
    private volatile boolean closed;
    private volatile Throwable failure;
    /** Indices per dispatch must stay below this (24 bits of a cursor word). */
    static final int MAX_INDICES = 1 << 24;
    /**
     * Per worker w, at {@code w * PAD}, one word: generation (low 16 bits) << 48 | end of its share << 24 | next
     * index. One word, so a claim by a worker still finishing the previous dispatch can only fail: its compare
     * sees another generation.
     */
    private final AtomicLongArray cursors;
    private final AtomicInteger done = new AtomicInteger();

    WorkerPool(int size) {
        this.size = size;
        this.cursors = new AtomicLongArray(size * PAD);
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
        if (n >= MAX_INDICES) {
            throw new IllegalArgumentException(n + " indices in one dispatch, at most " + (MAX_INDICES - 1));
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
        for (int w = 0; w < size; w++) {
            long start = (long) n * w / size;
            long end = (long) n * (w + 1) / size;
            cursors.set(w * PAD, tag(g) | end << 24 | start);
        }
        generation = g; // publishes task, count and the cursors
        for (Thread th : threads) {
            LockSupport.unpark(th);
        }
        work(0, t, g);
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

    /** Runs this worker's share, then steals from the others; counts what it ran into {@code done} once. */
    private void work(int worker, ParallelTask t, int g) {
        int ran = 0;
        long tag = tag(g);
        for (int k = 0; k < size; k++) {
            int slot = ((worker + k) % size) * PAD;
            while (true) {
                long v = cursors.get(slot);
                int next = (int) (v & (MAX_INDICES - 1));
                if ((v & TAG_MASK) != tag || next >= (int) ((v >>> 24) & (MAX_INDICES - 1))) {
                    break;
                }
                if (cursors.compareAndSet(slot, v, v + 1)) {
                    try {
                        t.run(next, worker);
                    } catch (Throwable e) {
                        failure = e;
                    }
                    ran++;
                }
            }
        }
        if (ran > 0) {
            done.addAndGet(ran);
        }
    }

    private static final long TAG_MASK = 0xFFFFL << 48;

    private static long tag(int generation) {
        return (generation & 0xFFFFL) << 48;
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
            if (t != null) {
                work(worker, t, g);
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
