package dev.reasoningrouter.pathserving.power;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether the GPU is near its power or temperature limit, from the latest telemetry: at or above
 * {@code powerFraction} of the power limit, or at or above {@code temperatureLimit} degrees, the batch should back off
 * (a card at its limit clocks down, and a bigger batch then only adds latency).
 */
public final class PowerGuard implements Supplier<PowerGuard.Verdict> {

    /** @param cause "none", "power" or "temperature" */
    public record Verdict(boolean backOff, String cause, String detail) {}

    private static final Verdict NO_TELEMETRY = new Verdict(false, "none", "no GPU telemetry");

    private final Supplier<Optional<GpuSample>> samples;
    private final double powerFraction;
    private final double temperatureLimit;

    public PowerGuard(Supplier<Optional<GpuSample>> samples, double powerFraction, double temperatureLimit) {
        if (!(powerFraction > 0 && powerFraction <= 1)) {
            throw new IllegalArgumentException("rr.power.backoff-power-fraction must be in (0, 1], got " + powerFraction);
        }
        this.samples = samples;
        this.powerFraction = powerFraction;
        this.temperatureLimit = temperatureLimit;
    }

    /** A guard that never backs off (no GPU). */
    public static PowerGuard off() {
        return new PowerGuard(Optional::empty, 1, Double.POSITIVE_INFINITY);
    }

    @Override
    public Verdict get() {
        Optional<GpuSample> s = samples.get();
        if (s.isEmpty()) {
            return NO_TELEMETRY;
        }
        GpuSample g = s.get();
        if (g.powerLimitWatts() > 0 && g.powerWatts() >= powerFraction * g.powerLimitWatts()) {
            return new Verdict(true, "power", String.format(Locale.ROOT, "%.0f W of a %.0f W limit", g.powerWatts(), g.powerLimitWatts()));
        }
        if (g.temperatureC() >= temperatureLimit) {
            return new Verdict(true, "temperature", String.format(Locale.ROOT, "%.0f C, limit %.0f C", g.temperatureC(), temperatureLimit));
        }
        return new Verdict(false, "none", String.format(Locale.ROOT, "%.0f W of %.0f W, %.0f C", g.powerWatts(),
                g.powerLimitWatts(), g.temperatureC()));
    }
}
