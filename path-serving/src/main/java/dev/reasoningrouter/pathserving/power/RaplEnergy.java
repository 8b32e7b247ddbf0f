package dev.reasoningrouter.pathserving.power;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;

/**
 * The CPU packages' energy from Linux's powercap RAPL counters ({@code /sys/class/powercap/intel-rapl:N/energy_uj},
 * which AMD processors expose too): microjoules since an arbitrary origin, wrapping at {@code max_energy_range_uj}.
 * Only the top-level (package) zones are summed; their sub-zones are parts of them. Many virtual machines and
 * unprivileged containers cannot read these files: then {@link #open} says so.
 */
public final class RaplEnergy implements EnergyMeter {
    private record Zone(Path energy, long range, long start) {}

    private final List<Zone> zones;
    private long lastNanos;
    private double lastJoules;
    private volatile double watts = Double.NaN;

    private RaplEnergy(List<Zone> zones) {
        this.zones = zones;
        this.lastNanos = System.nanoTime();
    }

    /** The package zones under {@code root} (normally {@code /sys/class/powercap}). */
    public static RaplEnergy open(Path root) throws TelemetryUnavailableException {
        if (!Files.isDirectory(root)) {
            throw new TelemetryUnavailableException("no RAPL powercap interface at " + root);
        }
        List<Zone> zones = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.sorted().toList()) {
                String name = d.getFileName().toString();
                // intel-rapl:0 is a package zone; intel-rapl:0:1 is one of its parts
                if (!name.matches("intel-rapl:\\d+")) {
                    continue;
                }
                Path energy = d.resolve("energy_uj");
                zones.add(new Zone(energy, Long.parseLong(Files.readString(d.resolve("max_energy_range_uj")).strip()),
                        Long.parseLong(Files.readString(energy).strip())));
            }
        } catch (IOException | NumberFormatException e) {
            throw new TelemetryUnavailableException("cannot read the RAPL energy counters under " + root + ": " + e.getMessage());
        }
        if (zones.isEmpty()) {
            throw new TelemetryUnavailableException("no RAPL package zone under " + root);
        }
        return new RaplEnergy(zones);
    }

    @Override
    public String source() {
        return "cpu (RAPL, " + zones.size() + " package" + (zones.size() == 1 ? "" : "s") + ")";
    }

    /** Joules since the meter opened; a counter read between two calls that wrapped once is unwrapped. */
    @Override
    public synchronized OptionalDouble joules() {
        double total = 0;
        try {
            for (Zone z : zones) {
                long now = Long.parseLong(Files.readString(z.energy()).strip());
                long delta = now - z.start();
                if (delta < 0) {
                    delta += z.range();
                }
                total += delta / 1e6;
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalDouble.empty();
        }
        long t = System.nanoTime();
        if (t - lastNanos > 500_000_000L) {
            watts = (total - lastJoules) / ((t - lastNanos) / 1e9);
            lastNanos = t;
            lastJoules = total;
        }
        return OptionalDouble.of(total);
    }

    @Override
    public OptionalDouble watts() {
        return Double.isNaN(watts) ? OptionalDouble.empty() : OptionalDouble.of(watts);
    }
}
