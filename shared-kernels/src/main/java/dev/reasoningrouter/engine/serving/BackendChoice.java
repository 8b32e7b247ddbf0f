package dev.reasoningrouter.engine.serving;

import dev.reasoningrouter.engine.kernels.cuda.CudaDevice;
import dev.reasoningrouter.engine.kernels.cuda.CudaProbe;
import dev.reasoningrouter.engine.kernels.cuda.CudaUnavailableException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which compute backend a serving process asks the engine for, from {@code rr.engine.backend}
 * ({@code RR_ENGINE_BACKEND}): {@code auto} serves on a CUDA device when one initialises, else on the CPU with the
 * reason; {@code cpu} never probes; {@code cuda} without a usable device fails start-up with the reason instead of
 * silently crawling on the CPU. Resolved once, before the model opens; {@link ModelHost} then opens the model on
 * it, and {@link ModelHost#backendName()} says what actually runs it (under {@code auto} a device that cannot run the
 * model, e.g. for a weight type without kernels, still leaves the CPU serving, with that reason).
 *
 * @param decision the engine's resolved choice ({@link dev.reasoningrouter.engine.kernels.cuda.BackendChoice#resolve})
 */
public record BackendChoice(dev.reasoningrouter.engine.kernels.cuda.BackendChoice.Decision decision) {

    public static BackendChoice resolve(String requested) {
        return resolve(requested, CudaDevice::probe);
    }

    static BackendChoice resolve(String requested, Supplier<CudaProbe> probe) {
        dev.reasoningrouter.engine.kernels.cuda.BackendChoice choice;
        try {
            choice = dev.reasoningrouter.engine.kernels.cuda.BackendChoice.parse(requested);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("rr.engine.backend (RR_ENGINE_BACKEND) must be auto, cpu or cuda, got '" + requested + "'");
        }
        try {
            return new BackendChoice(choice.resolve(probe));
        } catch (CudaUnavailableException e) {
            throw new IllegalStateException("rr.engine.backend=cuda (RR_ENGINE_BACKEND), but " + e.getMessage()
                    + "; set it to auto or cpu to serve on the CPU", e);
        }
    }

    /** The CPU, without probing (tests, tools). */
    public static BackendChoice cpu() {
        var cpu = dev.reasoningrouter.engine.kernels.cuda.BackendChoice.CPU;
        return new BackendChoice(new dev.reasoningrouter.engine.kernels.cuda.BackendChoice.Decision(cpu, cpu, "backend=cpu requested",
                Optional.empty()));
    }

    /** "cpu" or "cuda": what the probe picked. */
    public String backend() {
        return decision.picked().name().toLowerCase(Locale.ROOT);
    }

    /** Why, for the start-up log and the info endpoint. */
    public String reason() {
        return "rr.engine." + decision.reason();
    }
}
