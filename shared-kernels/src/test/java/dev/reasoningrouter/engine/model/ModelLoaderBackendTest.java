package dev.reasoningrouter.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.reasoningrouter.engine.TestModels;
import dev.reasoningrouter.engine.kernels.cuda.BackendChoice;
import dev.reasoningrouter.engine.kernels.cuda.CudaDevice;
import dev.reasoningrouter.engine.kernels.cuda.CudaDeviceInfo;
import dev.reasoningrouter.engine.kernels.cuda.CudaProbe;
import dev.reasoningrouter.engine.kernels.cuda.CudaUnavailableException;
import dev.reasoningrouter.engine.kernels.cuda.KernelBuild;
import dev.reasoningrouter.engine.tensor.GgmlType;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backend choice as {@link ModelLoader} applies it, with the CUDA probe given: no GPU needed. */
class ModelLoaderBackendTest {

    @TempDir
    Path dir;
    private Path model;

    @BeforeEach
    void writeModel() {
        model = TestModels.writeGguf(TestModels.tinySigmoid(1), GgmlType.F32, dir);
    }

    @Test
    void autoWithoutADeviceProbesOnceAndLoadsOnTheCpuSayingWhy() {
        AtomicInteger probes = new AtomicInteger();
        Supplier<CudaProbe> none = () -> {
            probes.incrementAndGet();
            return new CudaProbe.Unavailable("no CUDA driver: libcuda.so.1: cannot open shared object file");
        };
        try (LoadedModel lm = ModelLoader.load(model, 1, BackendChoice.AUTO, none)) {
            assertThat(probes).hasValue(1);
            assertThat(lm.backend().cuda()).isFalse();
            assertThat(lm.backend().requested()).isEqualTo(BackendChoice.AUTO);
            assertThat(lm.backend().reason()).isEqualTo("backend=auto falling back to the CPU: no CUDA driver: libcuda.so.1: cannot open shared object file");
            assertThat(lm.model()).isInstanceOf(DeepSeekModel.class);
            assertThat(lm.model().backendName()).startsWith("cpu (1 threads");
            assertThat(TestModels.prefill(lm.model(), new int[] {1, 2, 3}, 2)[2]).hasSize(lm.config().vocabSize());
        }
    }

    @Test
    void cudaWithoutADeviceIsAClearErrorBeforeAnythingOpens() {
        Path missing = dir.resolve("not-there.gguf");
        // the backend is decided first: the error is about CUDA, not about the file nobody opened
        assertThatThrownBy(() -> ModelLoader.load(missing, 1, BackendChoice.CUDA, () -> new CudaProbe.Unavailable("the driver reports no CUDA devices")))
                .isInstanceOf(CudaUnavailableException.class)
                .hasMessage("backend=cuda requested but CUDA is unavailable: the driver reports no CUDA devices");
    }

    @Test
    void cpuNeverProbes() {
        try (LoadedModel lm = ModelLoader.load(model, 1, BackendChoice.CPU, () -> { throw new AssertionError("cpu must not probe"); })) {
            assertThat(lm.backend().picked()).isEqualTo(BackendChoice.CPU);
            assertThat(lm.model().backendName()).startsWith("cpu (");
        }
    }

    @Test
    void aDeviceThatCannotBeOpenedLeavesAutoOnTheCpuAndFailsCuda() {
        assumeFalse(CudaDevice.probe().available(), "a CUDA device is present here: CudaModelTest runs the model on it instead");
        // a probe that claims a device this process cannot actually open (no driver here)
        Supplier<CudaProbe> claims = () -> new CudaProbe.Available(
                new CudaDeviceInfo(0, "NVIDIA H200", 9, 0, 150_000_000_000L, 132, 3_201_000, 6144, 13000),
                new KernelBuild(Optional.of("13.0"), "9.0", 88));
        try (LoadedModel lm = ModelLoader.load(model, 1, BackendChoice.AUTO, claims)) {
            assertThat(lm.backend().cuda()).isFalse();
            assertThat(lm.backend().reason()).startsWith("backend=auto found GPU 0: NVIDIA H200").contains("cannot run this model on it")
                    .contains("CUDA").endsWith("so the CPU serves");
            assertThat(lm.model().backendName()).startsWith("cpu (");
        }
        assertThatThrownBy(() -> ModelLoader.load(model, 1, BackendChoice.CUDA, claims))
                .isInstanceOf(CudaUnavailableException.class)
                .hasMessageStartingWith("backend=cuda requested, but " + model + " cannot run on GPU 0: NVIDIA H200");
    }
}
