package dev.reasoningrouter.pathserving.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nvidia-smi's output is parsed as the driver prints it (checked against a stand-in executable at the process edge,
 * since the build machines have no GPU), RAPL counters are read from a powercap-shaped folder, and the power guard
 * decides from both limits.
 */
class PowerTelemetryTest {
    @TempDir
    Path dir;

    Path fakeNvidiaSmi(String output, int exit) throws Exception {
        Path script = dir.resolve("nvidia-smi");
        Files.writeString(script, "#!/bin/sh\n[ \"$1\" = \"--query-gpu=power.draw,power.limit,temperature.gpu\" ] || exit 9\n"
                + "cat <<'EOF'\n" + output + "\nEOF\nexit " + exit + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    @Test
    void readsEveryGpuSummingPowerAndTakingTheHottest() throws Exception {
        GpuSample s = new NvidiaSmi(fakeNvidiaSmi("251.43, 700.00, 64\n120.5, 700.00, 71", 0).toString()).read();
        assertEquals(371.93, s.powerWatts(), 1e-9);
        assertEquals(1400, s.powerLimitWatts(), 1e-9);
        assertEquals(71, s.temperatureC(), 1e-9);
        assertEquals(2, s.gpus());
    }

    @Test
    void saysWhyWhenThereIsNoTelemetry() throws Exception {
        var missing = assertThrows(TelemetryUnavailableException.class, () -> new NvidiaSmi(dir.resolve("none").toString()).read());
        assertTrue(missing.getMessage().startsWith("cannot run"), missing.getMessage());
        var failed = assertThrows(TelemetryUnavailableException.class,
                () -> new NvidiaSmi(fakeNvidiaSmi("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver", 9).toString()).read());
        assertTrue(failed.getMessage().contains("couldn't communicate"), failed.getMessage());
        var notSupported = assertThrows(TelemetryUnavailableException.class,
                () -> new NvidiaSmi(fakeNvidiaSmi("[N/A], [N/A], 40", 0).toString()).read());
        assertTrue(notSupported.getMessage().contains("does not report"), notSupported.getMessage());
        GpuTelemetry t = new GpuTelemetry(new NvidiaSmi(dir.resolve("none").toString()), Duration.ofSeconds(1));
        assertFalse(t.available());
        assertTrue(t.energy().joules().isEmpty());
        assertTrue(t.energy().source().startsWith("none: cannot run"), t.energy().source());
        t.close();
    }

    @Test
    void integratesPowerIntoJoules() throws Exception {
        try (GpuTelemetry t = new GpuTelemetry(new NvidiaSmi(fakeNvidiaSmi("100, 700, 50", 0).toString()), Duration.ofMillis(50))) {
            assertTrue(t.available());
            Thread.sleep(600);
            double j = t.energy().joules().orElseThrow();
            // 100 W for about half a second (minus the first interval and process start-up)
            assertTrue(j > 15 && j < 70, "joules " + j);
            assertEquals(100, t.energy().watts().orElseThrow(), 1e-9);
        }
    }

    @Test
    void raplPackagesAreSummedAndUnwrapped() throws Exception {
        Path root = dir.resolve("powercap");
        for (String zone : new String[] {"intel-rapl:0", "intel-rapl:1", "intel-rapl:0:0"}) {
            Files.createDirectories(root.resolve(zone));
            Files.writeString(root.resolve(zone).resolve("max_energy_range_uj"), "1000000\n");
        }
        Files.writeString(root.resolve("intel-rapl:0/energy_uj"), "999000\n");
        Files.writeString(root.resolve("intel-rapl:1/energy_uj"), "5000\n");
        Files.writeString(root.resolve("intel-rapl:0:0/energy_uj"), "123\n");
        RaplEnergy rapl = RaplEnergy.open(root);
        assertEquals("cpu (RAPL, 2 packages)", rapl.source());
        Files.writeString(root.resolve("intel-rapl:0/energy_uj"), "4000\n"); // wrapped: +5000 uJ
        Files.writeString(root.resolve("intel-rapl:1/energy_uj"), "505000\n"); // +500,000 uJ
        Files.writeString(root.resolve("intel-rapl:0:0/energy_uj"), "999999\n"); // a sub-zone: not counted
        assertEquals(0.505, rapl.joules().orElseThrow(), 1e-9);
        var none = assertThrows(TelemetryUnavailableException.class, () -> RaplEnergy.open(dir.resolve("nothing")));
        assertTrue(none.getMessage().contains("no RAPL"), none.getMessage());
    }

    @Test
    void theGuardBacksOffAtThePowerOrTemperatureLimit() {
        PowerGuard g = new PowerGuard(() -> Optional.of(new GpuSample(680, 700, 60, 1, 0)), 0.95, 85);
        assertTrue(g.get().backOff());
        assertEquals("power", g.get().cause());
        assertEquals("temperature", new PowerGuard(() -> Optional.of(new GpuSample(300, 700, 86, 1, 0)), 0.95, 85).get().cause());
        assertFalse(new PowerGuard(() -> Optional.of(new GpuSample(300, 700, 60, 1, 0)), 0.95, 85).get().backOff());
        assertFalse(PowerGuard.off().get().backOff());
    }
}
