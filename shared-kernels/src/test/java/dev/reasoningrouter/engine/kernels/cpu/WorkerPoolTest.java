package dev.reasoningrouter.engine.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void everyIndexRunsExactlyOnceAcrossManyDispatchesOfChangingSize() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int round = 0; round < 5000; round++) {
                int n = 1 + (round * 7919) % 97;
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                pool.run(n, (i, worker) -> hits.incrementAndGet(i));
                for (int i = 0; i < n; i++) {
                    assertThat(hits.get(i)).as("round %d, index %d of %d", round, i, n).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void idleWorkersStealTheShareOfABusyOne() {
        try (WorkerPool pool = new WorkerPool(2)) {
            int n = 64;
            int[] ranBy = new int[n];
            // index 0 is worker 0's first; while the caller sits on it, the other worker must take over its share
            pool.run(n, (i, worker) -> {
                ranBy[i] = worker;
                if (i == 0) {
                    LockSupport.parkNanos(50_000_000);
                }
            });
            int stolen = 0;
            for (int i = 1; i < n / 2; i++) {
                if (ranBy[i] == 1) {
                    stolen++;
                }
            }
            assertThat(stolen).as("indices of the caller's share run by the other worker").isGreaterThan(n / 4);
        }
    }

    @Test
    void aFailingTaskFailsTheDispatchAndThePoolKeepsWorking() {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThatThrownBy(() -> pool.run(10, (i, worker) -> {
                if (i == 7) {
                    throw new IllegalStateException("boom at 7");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("boom at 7");
            AtomicIntegerArray hits = new AtomicIntegerArray(10);
            pool.run(10, (i, worker) -> hits.incrementAndGet(i));
            for (int i = 0; i < 10; i++) {
                assertThat(hits.get(i)).isEqualTo(1);
            }
        }
    }
}
