package dev.reasoningrouter.benchmarks.engine;

import dev.reasoningrouter.engine.kernels.cpu.CpuBackend;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tensor.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * One-token decode products on the CPU backend: a sweep of Q8_0 mat-vecs over more weight bytes than the caches
 * hold, the way a decode step streams its matrices. The {@code weightBytes} counter is the weight-read rate
 * (bytes/s); compare it with {@code ./rr engine bench}'s measured memory-read rate on the same machine.
 * Shapes: 512x1536 is a routed expert's gate/up in the 1b preset, 1536x512 its down projection, 256x64 one head's
 * {@code attn_k_b}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "--add-modules", "jdk.incubator.vector"})
public class Q8MatvecBenchmark {

    @Param({"512x1536", "1536x512", "256x64"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    /** Total weight bytes swept per invocation (well above the last-level cache). */
    @Param({"67108864"})
    public long sweepBytes;

    private Arena arena;
    private CpuBackend backend;
    private WeightMatrix[] matrices;
    private float[][] x;
    private float[][] y;
    private long bytesPerSweep;

    @Setup(Level.Trial)
    public void setUp() {
        String[] rc = shape.split("x");
        int rows = Integer.parseInt(rc[0]);
        int cols = Integer.parseInt(rc[1]);
        long matrixBytes = rows * GgmlType.Q8_0.bytesFor(cols);
        int count = (int) Math.max(1, sweepBytes / matrixBytes);
        arena = Arena.ofShared();
        matrices = new WeightMatrix[count];
        SplittableRandom random = new SplittableRandom(42);
        for (int m = 0; m < count; m++) {
            MemorySegment data = arena.allocate(matrixBytes, 64);
            fillQ8(data, rows * cols / 32, random);
            matrices[m] = WeightMatrix.of("w" + m, GgmlType.Q8_0, rows, cols, data);
        }
        x = new float[][] {new float[cols]};
        for (int i = 0; i < cols; i++) {
            x[0][i] = (float) random.nextDouble(-1, 1);
        }
        y = new float[][] {new float[rows]};
        backend = new CpuBackend(threads);
        bytesPerSweep = count * matrixBytes;
    }

    /** Random int8 quants with a small f16 scale per 32-weight block. */
    private static void fillQ8(MemorySegment data, long blocks, SplittableRandom random) {
        byte[] block = new byte[34];
        for (long b = 0; b < blocks; b++) {
            short scale = Float.floatToFloat16((float) (0.001 + 0.01 * random.nextDouble()));
            block[0] = (byte) scale;
            block[1] = (byte) (scale >> 8);
            for (int i = 2; i < 34; i++) {
                block[i] = (byte) random.nextInt(-127, 128);
            }
            MemorySegment.copy(block, 0, data, java.lang.foreign.ValueLayout.JAVA_BYTE, b * 34, 34);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
        arena.close();
    }

    /** Weight bytes read, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long weightBytes;
    }

    @Benchmark
    public float sweep(Bytes counter) {
        for (WeightMatrix w : matrices) {
            backend.matmul(w, x, y, 1);
        }
        counter.weightBytes += bytesPerSweep;
        return y[0][0];
    }
}
