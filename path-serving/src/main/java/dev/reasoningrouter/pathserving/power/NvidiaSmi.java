package dev.reasoningrouter.pathserving.power;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads the GPUs' power and temperature with {@code nvidia-smi --query-gpu=power.draw,power.limit,temperature.gpu
 * --format=csv,noheader,nounits}, the one interface every NVIDIA driver ships. A machine without it (or without a
 * GPU) gives a clear reason instead of a sample.
 */
public final class NvidiaSmi {
    static final List<String> QUERY = List.of("--query-gpu=power.draw,power.limit,temperature.gpu", "--format=csv,noheader,nounits");
    private final String executable;

    /** @param executable {@code nvidia-smi} (found on the PATH) or a full path */
    public NvidiaSmi(String executable) {
        this.executable = executable;
    }

    /** One reading of all GPUs. */
    public GpuSample read() throws TelemetryUnavailableException {
        Process p;
        try {
            p = new ProcessBuilder(command()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new TelemetryUnavailableException("cannot run " + executable + ": " + e.getMessage());
        }
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new TelemetryUnavailableException(executable + " did not answer within 10 s");
            }
        } catch (IOException e) {
            throw new TelemetryUnavailableException("cannot read " + executable + ": " + e.getMessage());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new TelemetryUnavailableException("interrupted while reading " + executable);
        }
        if (p.exitValue() != 0) {
            throw new TelemetryUnavailableException(executable + " exited with " + p.exitValue() + ": " + firstLine(out));
        }
        return parse(out, System.nanoTime());
    }

    private List<String> command() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(executable), QUERY.stream()).toList();
    }

    /** Parses the CSV lines, one per GPU: {@code 251.43, 700.00, 64}. */
    static GpuSample parse(String csv, long atNanos) throws TelemetryUnavailableException {
        double power = 0;
        double limit = 0;
        double temperature = Double.NEGATIVE_INFINITY;
        int gpus = 0;
        for (String line : csv.strip().split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != 3) {
                throw new TelemetryUnavailableException("unexpected nvidia-smi output: " + line.strip());
            }
            try {
                power += Double.parseDouble(f[0].strip());
                limit += Double.parseDouble(f[1].strip());
                temperature = Math.max(temperature, Double.parseDouble(f[2].strip()));
            } catch (NumberFormatException e) {
                // "[N/A]" or "[Not Supported]": this card does not report it
                throw new TelemetryUnavailableException("nvidia-smi does not report power and temperature here: " + line.strip());
            }
            gpus++;
        }
        if (gpus == 0) {
            throw new TelemetryUnavailableException("nvidia-smi listed no GPU");
        }
        return new GpuSample(power, limit, temperature, gpus, atNanos);
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
