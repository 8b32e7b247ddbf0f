package dev.reasoningrouter.pathserving.power;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls {@link NvidiaSmi} in the background and keeps the latest reading, for the batch limit's power guard and for
 * {@link #energy()}: joules are the time integral of the sampled power (trapezoids between readings). When the first reading
 * fails (no driver, no GPU) it stops and says why; a later failure keeps the last good reading and logs once.
 */
public final class GpuTelemetry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GpuTelemetry.class);

    private final NvidiaSmi smi;
    private final ScheduledExecutorService poller;
    private final String unavailable;
    private volatile GpuSample latest;
    private volatile double joules;
    private volatile boolean failing;

    public GpuTelemetry(NvidiaSmi smi, Duration interval) {
        this.smi = smi;
        String reason = null;
        try {
            latest = smi.read();
        } catch (TelemetryUnavailableException e) {
            reason = e.getMessage();
        }
        this.unavailable = reason;
        if (reason == null) {
            poller = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("rr-gpu-telemetry").daemon().unstarted(r));
            poller.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            poller = null;
        }
    }

    private void poll() {
        try {
            GpuSample s = smi.read();
            GpuSample prev = latest;
            if (prev != null) {
                double seconds = (s.atNanos() - prev.atNanos()) / 1e9;
                joules += 0.5 * (prev.powerWatts() + s.powerWatts()) * seconds;
            }
            latest = s;
            failing = false;
        } catch (TelemetryUnavailableException e) {
            if (!failing) {
                log.warn("GPU telemetry failed, keeping the last reading: {}", e.getMessage());
                failing = true;
            }
        } catch (RuntimeException e) {
            log.warn("GPU telemetry failed", e);
        }
    }

    public boolean available() {
        return unavailable == null;
    }

    /** Why there is no telemetry, or null when there is. */
    public String unavailableReason() {
        return unavailable;
    }

    public Optional<GpuSample> latest() {
        return Optional.ofNullable(latest);
    }

    /** The GPUs' energy: the integral of their sampled power since start. */
    public EnergyMeter energy() {
        return new EnergyMeter() {
            @Override
            public String source() {
                return available() ? "gpu (nvidia-smi)" : "none: " + unavailable;
            }

            @Override
            public OptionalDouble joules() {
                return available() ? OptionalDouble.of(joules) : OptionalDouble.empty();
            }

            @Override
            public OptionalDouble watts() {
                GpuSample s = latest;
                return s == null ? OptionalDouble.empty() : OptionalDouble.of(s.powerWatts());
            }
        };
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
