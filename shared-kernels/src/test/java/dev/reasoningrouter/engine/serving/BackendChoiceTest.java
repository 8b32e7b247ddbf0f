package dev.reasoningrouter.engine.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reasoningrouter.engine.kernels.cuda.CudaDevice;
import dev.reasoningrouter.engine.kernels.cuda.CudaDeviceInfo;
import dev.reasoningrouter.engine.kernels.cuda.CudaProbe;
import dev.reasoningrouter.engine.kernels.cuda.KernelBuild;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackendChoiceTest {

    private static final CudaProbe H200 = new CudaProbe.Available(
            new CudaDeviceInfo(0, "NVIDIA H200", 9, 0, 150_000_000_000L, 132, 3_201_000, 6144, 13000),
            new KernelBuild(Optional.of("13.0"), "9.0", 88));

    @Test
    void autoProbesOnceAndServesOnTheCpuWithTheReasonWhenThereIsNoDevice() {
        AtomicInteger probes = new AtomicInteger();
        BackendChoice auto = BackendChoice.resolve("auto", () -> {
            probes.incrementAndGet();
            return new CudaProbe.Unavailable("no CUDA driver: libcuda.so.1 missing");
        });
        assertEquals("cpu", auto.backend());
        assertEquals(1, probes.get());
        assertTrue(auto.reason().startsWith("rr.engine.backend=auto falling back to the CPU"), auto.reason());
        assertTrue(auto.reason().contains("libcuda.so.1 missing"), auto.reason());
        assertEquals("cpu", BackendChoice.resolve(null, () -> new CudaProbe.Unavailable("none")).backend());
    }

    @Test
    void autoAndCudaServeOnTheDeviceWhenOneInitialises() {
        BackendChoice auto = BackendChoice.resolve("auto", () -> H200);
        assertEquals("cuda", auto.backend());
        assertTrue(auto.reason().contains("NVIDIA H200, compute 9.0"), auto.reason());
        assertTrue(auto.decision().device().isPresent());
        assertEquals("cuda", BackendChoice.resolve("CUDA", () -> H200).backend());
    }

    @Test
    void cpuNeverProbesAndCudaWithoutADeviceFailsStartUpWithTheReason() {
        assertEquals("cpu", BackendChoice.resolve(" CPU ", () -> { throw new AssertionError("cpu must not probe"); }).backend());
        var cuda = assertThrows(IllegalStateException.class,
                () -> BackendChoice.resolve("cuda", () -> new CudaProbe.Unavailable("the driver reports no CUDA devices")));
        assertTrue(cuda.getMessage().startsWith("rr.engine.backend=cuda (RR_ENGINE_BACKEND), but"), cuda.getMessage());
        assertTrue(cuda.getMessage().contains("the driver reports no CUDA devices"), cuda.getMessage());
        assertTrue(cuda.getMessage().contains("auto or cpu"), cuda.getMessage());
        var bad = assertThrows(IllegalStateException.class, () -> BackendChoice.resolve("tpu"));
        assertTrue(bad.getMessage().contains("'tpu'"), bad.getMessage());
    }

    @Test
    void theRealProbeOnThisMachineSaysWhy() {
        CudaProbe real = CudaDevice.probe();
        BackendChoice auto = BackendChoice.resolve("auto");
        assertEquals(real.available() ? "cuda" : "cpu", auto.backend());
        assertTrue(auto.reason().startsWith("rr.engine.backend=auto"), auto.reason());
    }
}
