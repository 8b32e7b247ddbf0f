package dev.reasoningrouter.engine.serving;

import java.util.Locale;

/**
 * Which compute backend a service runs on. This build has only the CPU backend: {@code auto} picks it and says
 * why, {@code cuda} is refused so that a deployment asking for a GPU fails at start-up instead of silently crawling.
 *
 * @param backend the backend chosen ("cpu")
 * @param reason  why, for the start-up log
 */
public record BackendChoice(String backend, String reason) {

    public static BackendChoice resolve(String requested) {
        String r = requested == null || requested.isBlank() ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        return switch (r) {
            case "cpu" -> new BackendChoice("cpu", "rr.engine.backend=cpu");
            case "auto" -> new BackendChoice("cpu", "rr.engine.backend=auto: this build has only the CPU backend"
                    + " (the CUDA backend is not part of it), so auto picks the CPU");
            case "cuda" -> throw new IllegalStateException("rr.engine.backend=cuda, but this build has no CUDA backend;"
                    + " use rr.engine.backend=cpu or auto (RR_ENGINE_BACKEND)");
            default -> throw new IllegalStateException("rr.engine.backend must be auto, cpu or cuda, got '" + requested + "'");
        };
    }
}
