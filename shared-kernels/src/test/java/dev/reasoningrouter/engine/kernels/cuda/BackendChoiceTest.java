package dev.reasoningrouter.engine.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class BackendChoiceTest {

    private static final CudaDeviceInfo H200 = new CudaDeviceInfo(0, "NVIDIA H200", 9, 0, 150_000_000_000L, 132, 3_201_000, 6144, 13000);

    @Test
    void parsesTheThreeSettings() {
        assertThat(BackendChoice.parse("auto")).isEqualTo(BackendChoice.AUTO);
        assertThat(BackendChoice.parse(" CUDA ")).isEqualTo(BackendChoice.CUDA);
        assertThat(BackendChoice.parse("Cpu")).isEqualTo(BackendChoice.CPU);
        assertThat(BackendChoice.parse(null)).isEqualTo(BackendChoice.AUTO);
        assertThatThrownBy(() -> BackendChoice.parse("tpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'tpu'").hasMessageContaining("auto, cpu or cuda");
    }

    @Test
    void autoFallsBackToTheCpuWithTheProbesReasonAndProbesOnce() {
        AtomicInteger calls = new AtomicInteger();
        Supplier<CudaProbe> probe = () -> { calls.incrementAndGet(); return new CudaProbe.Unavailable("no CUDA driver: libcuda.so.1"); };
        BackendChoice.Decision d = BackendChoice.AUTO.resolve(probe);
        assertThat(d.cuda()).isFalse();
        assertThat(d.picked()).isEqualTo(BackendChoice.CPU);
        assertThat(d.logLine()).isEqualTo("engine backend: cpu (backend=auto falling back to the CPU: no CUDA driver: libcuda.so.1)");
        assertThat(calls).hasValue(1);
    }

    @Test
    void autoPicksCudaWhenADeviceInitialises() {
        KernelBuild kernels = new KernelBuild(Optional.of("13.0"), "9.0", 88);
        BackendChoice.Decision d = BackendChoice.AUTO.resolve(() -> new CudaProbe.Available(H200, kernels));
        assertThat(d.cuda()).isTrue();
        assertThat(d.device()).contains(H200);
        assertThat(d.logLine()).startsWith("engine backend: cuda (backend=auto found GPU 0: NVIDIA H200, compute 9.0");
    }

    @Test
    void cpuNeverProbes() {
        BackendChoice.Decision d = BackendChoice.CPU.resolve(() -> { throw new AssertionError("probed"); });
        assertThat(d.picked()).isEqualTo(BackendChoice.CPU);
    }

    @Test
    void explicitCudaWithoutADeviceIsAnErrorNotASilentFallback() {
        assertThatThrownBy(() -> BackendChoice.CUDA.resolve(() -> new CudaProbe.Unavailable("the driver reports no CUDA devices")))
                .isInstanceOf(CudaUnavailableException.class)
                .hasMessage("backend=cuda requested but CUDA is unavailable: the driver reports no CUDA devices");
    }

    @Test
    void theRealProbeAnswersWithoutThrowingAndAutoAgreesWithIt() {
        CudaProbe real = CudaDevice.probe();
        assertThat(real.reason()).isNotBlank();
        BackendChoice.Decision d = BackendChoice.AUTO.resolve(() -> real);
        assertThat(d.cuda()).isEqualTo(real.available());
        System.out.println("[BackendChoiceTest] " + d.logLine());
    }

    @Test
    void peakBandwidthComesFromClockAndBusWidth() {
        // 3.201 GHz x 2 (DDR) x 768 bytes = 4.92 TB/s: the order of an H200's 4.8 TB/s
        assertThat(H200.peakBandwidthBytesPerSecond()).isBetween(4.5e12, 5.2e12);
        assertThat(H200.driverVersionText()).isEqualTo("13.0");
    }
}
