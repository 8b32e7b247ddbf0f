package dev.reasoningrouter.engine.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the real CUDA kernel sources on the CPU (src/test/cuda-emu: g++ with a host emulation of threads, barriers
 * and warp shuffles) against plain references. It proves the kernels' indexing and arithmetic without a GPU, not
 * their speed or anything the hardware adds. Opt-in, because it takes about 40 s (compile and run) on two cores:
 * {@code -Drr.cuda.emulation=true} (or RR_CUDA_EMULATION=1); needs g++ and the CUDA headers.
 */
class CudaKernelsEmulationTest {

    @Test
    void kernelSourcesPassTheirChecksUnderHostEmulation() throws IOException, InterruptedException {
        boolean wanted = Boolean.getBoolean("rr.cuda.emulation") || "1".equals(System.getenv("RR_CUDA_EMULATION"));
        assumeTrue(wanted, "kernel emulation is opt-in: -Drr.cuda.emulation=true (about 40 s)");
        Path script = Path.of("src/test/cuda-emu/run.sh").toAbsolutePath();
        assumeTrue(Files.isRegularFile(script), "not run from the shared-kernels module: " + script);
        String cuda = System.getenv().getOrDefault("CUDA_HOME", "/usr/local/cuda");
        assumeTrue(Files.isRegularFile(Path.of(cuda, "include", "cuda_fp16.h")), "no CUDA headers under " + cuda);
        assumeTrue(onPath("g++"), "no g++ on the PATH");
        Path binary = Files.createTempFile("rr-kernels-emu", "");
        Process p = new ProcessBuilder("bash", script.toString(), binary.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(15, TimeUnit.MINUTES)).isTrue();
        Files.deleteIfExists(binary);
        System.out.println(out);
        assertThat(out).contains(" checks, 0 failures");
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }
}
