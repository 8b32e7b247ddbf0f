package dev.reasoningrouter.engine.kernels.cuda;

import java.util.Optional;

/** The answer to "can this process run the CUDA backend?", with the reason when it cannot. */
public sealed interface CudaProbe {

    record Available(CudaDeviceInfo info, KernelBuild kernels) implements CudaProbe {}

    record Unavailable(String reason) implements CudaProbe {}

    default boolean available() { return this instanceof Available; }

    default Optional<CudaDeviceInfo> device() {
        return this instanceof Available a ? Optional.of(a.info()) : Optional.empty();
    }

    /** Why not, or a description of the device that was found. */
    default String reason() {
        return switch (this) {
            case Available a -> a.info().describe() + "; " + a.kernels().describe();
            case Unavailable u -> u.reason();
        };
    }
}
