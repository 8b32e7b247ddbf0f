package dev.reasoningrouter.engine.kernels.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures how fast this machine reads memory: all threads sum disjoint parts of an off-heap buffer much larger than
 * the caches, with the same Vector API loads the kernels use. The best of several passes is reported, in bytes/s.
 */
public final class MemoryBandwidth {
    private MemoryBandwidth() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    public static double measure(int threads, long bytes, int passes) {
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(threads)) {
            MemorySegment buf = arena.allocate(bytes, 64);
            for (long i = 0; i < bytes; i += 4096) {
                buf.set(ValueLayout.JAVA_FLOAT, i, 1f); // touch every page
            }
            int chunks = threads * 16;
            long per = bytes / chunks / 256 * 256;
            float[] sink = new float[chunks];
            double best = 0;
            for (int p = 0; p < passes; p++) {
                long t0 = System.nanoTime();
                pool.run(chunks, (c, w) -> {
                    long start = c * per;
                    FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
                    int step = F.vectorByteSize();
                    for (long o = start; o < start + per; o += 4L * step) {
                        a0 = a0.add(FloatVector.fromMemorySegment(F, buf, o, ByteOrder.LITTLE_ENDIAN));
                        a1 = a1.add(FloatVector.fromMemorySegment(F, buf, o + step, ByteOrder.LITTLE_ENDIAN));
                        a2 = a2.add(FloatVector.fromMemorySegment(F, buf, o + 2L * step, ByteOrder.LITTLE_ENDIAN));
                        a3 = a3.add(FloatVector.fromMemorySegment(F, buf, o + 3L * step, ByteOrder.LITTLE_ENDIAN));
                    }
                    sink[c] = a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
                });
                double secs = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, per * chunks / secs);
            }
            float s = 0;
            for (float v : sink) {
                s += v;
            }
            if (Float.isNaN(s)) {
                throw new IllegalStateException("unexpected NaN");
            }
            return best;
        }
    }
}
