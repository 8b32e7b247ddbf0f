package dev.reasoningrouter.engine.serving;

import dev.reasoningrouter.engine.kernels.cuda.CudaDevice;
import dev.reasoningrouter.engine.kernels.cuda.CudaProbe;
import java.util.function.Supplier;

/**
 * Which compute backend a serving process generates on, from the engine's {@code auto|cpu|cuda} setting
 * ({@link dev.reasoningrouter.engine.kernels.cuda.BackendChoice}, which probes the driver once).
 *
 * <p>Generation in the serving path runs on the CPU backend in this build: the CUDA kernels and
 * {@code CudaDecoder} exist but are not yet wired into {@code Generator}. So {@code auto} picks the CPU and
 * says whether a device was seen, and {@code cuda} fails start-up with the reason instead of silently
 * crawling on the CPU.
 *
 * @param backend the backend chosen ("cpu")
 * @param reason  why, for the start-up log and the info endpoint
 */
public record BackendChoice(String backend, String reason) {

    public static BackendChoice resolve(String requested) {
        return resolve(requested, CudaDevice::probe);
    }

    static BackendChoice resolve(String requested, Supplier<CudaProbe> probe) {
        dev.reasoningrouter.engine.kernels.cuda.BackendChoice choice;
        try {
            choice = dev.reasoningrouter.engine.kernels.cuda.BackendChoice.parse(requested);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("rr.engine.backend must be auto, cpu or cuda, got '" + requested + "'");
        }
        return switch (choice) {
            case CPU -> new BackendChoice("cpu", "rr.engine.backend=cpu");
            case AUTO -> {
                CudaProbe p = probe.get();
                yield new BackendChoice("cpu", p.available()
                        ? "rr.engine.backend=auto: " + p.reason() + ", but generation on CUDA is not wired into the serving"
                                + " path yet, so the CPU backend serves"
                        : "rr.engine.backend=auto: no usable CUDA device (" + p.reason() + "), so the CPU backend serves");
            }
            case CUDA -> throw new IllegalStateException("rr.engine.backend=cuda, but this build serves generation on the"
                    + " CPU backend only (the CUDA decoder is not wired into the serving path yet); use"
                    + " rr.engine.backend=cpu or auto (RR_ENGINE_BACKEND)");
        };
    }
}
