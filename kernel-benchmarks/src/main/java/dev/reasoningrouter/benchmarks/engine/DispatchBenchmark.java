package dev.reasoningrouter.benchmarks.engine;

import dev.reasoningrouter.engine.kernels.Backend;
import dev.reasoningrouter.engine.kernels.cpu.CpuBackend;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fixed cost of one parallel dispatch on the CPU backend (a decode step of the 1b preset makes about 70):
 * {@code parallelFor} over {@code tasks} empty tasks, all threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "--add-modules", "jdk.incubator.vector"})
public class DispatchBenchmark {

    @Param({"2", "32"})
    public int tasks;

    private CpuBackend backend;
    private int[] counts;
    private Backend.ParallelTask task;

    @Setup(Level.Trial)
    public void setUp() {
        backend = new CpuBackend();
        counts = new int[backend.threads() * 16];
        task = (i, worker) -> counts[worker * 16]++;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }

    @Benchmark
    public int dispatch() {
        backend.parallelFor(tasks, task);
        return counts[0];
    }
}
