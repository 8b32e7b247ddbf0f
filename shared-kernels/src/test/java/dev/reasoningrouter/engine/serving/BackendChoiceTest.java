package dev.reasoningrouter.engine.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reasoningrouter.engine.kernels.cuda.CudaProbe;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackendChoiceTest {

    @Test
    void autoProbesOnceAndServesOnTheCpuCpuNeverProbesAndCudaIsRefused() {
        AtomicInteger probes = new AtomicInteger();
        BackendChoice auto = BackendChoice.resolve("auto", () -> {
            probes.incrementAndGet();
            return new CudaProbe.Unavailable("no CUDA driver: libcuda.so.1 missing");
        });
        assertEquals("cpu", auto.backend());
        assertEquals(1, probes.get());
        assertTrue(auto.reason().contains("libcuda.so.1 missing"), auto.reason());

        assertEquals("cpu", BackendChoice.resolve(" CPU ", () -> { throw new AssertionError("cpu must not probe"); }).backend());
        assertEquals("cpu", BackendChoice.resolve(null, () -> new CudaProbe.Unavailable("none")).backend());
        var cuda = assertThrows(IllegalStateException.class, () -> BackendChoice.resolve("cuda"));
        assertTrue(cuda.getMessage().contains("CPU backend only"), cuda.getMessage());
        var bad = assertThrows(IllegalStateException.class, () -> BackendChoice.resolve("tpu"));
        assertTrue(bad.getMessage().contains("'tpu'"), bad.getMessage());
    }

    @Test
    void theRealProbeOnThisMachineSaysWhy() {
        BackendChoice auto = BackendChoice.resolve("auto");
        assertEquals("cpu", auto.backend());
        assertTrue(auto.reason().startsWith("rr.engine.backend=auto"), auto.reason());
    }
}
