package dev.reasoningrouter.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The machine's 1-minute load average ({@code /proc/loadavg}) sampled while the report runs, so the report can say how
 * busy the machine was (on a shared machine latency depends on it). Empty where {@code /proc} is not there.
 */
final class LoadSampler implements AutoCloseable {
    private final Path source;
    private final List<Double> samples = new ArrayList<>();
    private final ScheduledExecutorService timer;

    LoadSampler(Path source, long periodMillis) {
        this.source = source;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("report-load").factory());
        timer.scheduleAtFixedRate(this::sample, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        Double v = read(source);
        if (v != null) {
            synchronized (samples) {
                samples.add(v);
            }
        }
    }

    /** The first field of a {@code /proc/loadavg}-style file, or null. */
    static Double read(Path file) {
        try {
            String[] f = Files.readString(file).strip().split("\\s+");
            return Double.parseDouble(f[0]);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    List<Double> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() {
        if (!timer.isShutdown()) {
            timer.shutdownNow();
            sample();
        }
    }
}
