package dev.reasoningrouter.engine.kernels.cuda;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@code backend} setting: {@code auto} (CUDA when a device initialises, else the CPU),
 * {@code cpu}, or {@code cuda} (a GPU or a clear error, never a silent fallback).
 */
public enum BackendChoice {
    AUTO, CPU, CUDA;

    private static final Logger LOG = LoggerFactory.getLogger(BackendChoice.class);

    /** Parses {@code auto|cpu|cuda} (any case, surrounding blanks ignored; null or blank means auto). */
    public static BackendChoice parse(String text) {
        if (text == null || text.isBlank()) return AUTO;
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "cpu" -> CPU;
            case "cuda", "gpu" -> CUDA;
            default -> throw new IllegalArgumentException("unknown backend '" + text + "': expected auto, cpu or cuda");
        };
    }

    /**
     * What runs, and why. The CUDA probe runs at most once (not at all for {@code cpu}), and one INFO line
     * says what was picked. {@code cuda} without a usable device throws {@link CudaUnavailableException}.
     */
    public Decision resolve(Supplier<CudaProbe> probe) {
        Decision d = switch (this) {
            case CPU -> new Decision(this, CPU, "backend=cpu requested", Optional.empty());
            case CUDA -> {
                CudaProbe p = probe.get();
                if (!p.available()) throw new CudaUnavailableException("backend=cuda requested but CUDA is unavailable: " + p.reason());
                yield new Decision(this, CUDA, "backend=cuda requested: " + p.reason(), p.device());
            }
            case AUTO -> {
                CudaProbe p = probe.get();
                yield p.available()
                        ? new Decision(this, CUDA, "backend=auto found " + p.reason(), p.device())
                        : new Decision(this, CPU, "backend=auto falling back to the CPU: " + p.reason(), Optional.empty());
            }
        };
        LOG.info(d.logLine());
        return d;
    }

    /** {@link #resolve(Supplier)} with the real driver probe of device 0. */
    public Decision resolve() {
        return resolve(CudaDevice::probe);
    }

    /**
     * @param requested what the configuration asked for
     * @param picked    {@link #CPU} or {@link #CUDA}
     * @param reason    a sentence for the log and the service's info endpoint
     */
    public record Decision(BackendChoice requested, BackendChoice picked, String reason, Optional<CudaDeviceInfo> device) {

        public boolean cuda() { return picked == CUDA; }

        public String logLine() {
            return "engine backend: " + picked.name().toLowerCase(Locale.ROOT) + " (" + reason + ")";
        }
    }
}
