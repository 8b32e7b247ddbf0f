package dev.reasoningrouter.engine.kernels.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;

/**
 * The PTX this jar was built with (classpath {@code /cuda/rr_kernels_cc90.ptx}, {@code /cuda/rr_kernels_cc80.ptx},
 * written by src/main/cuda/build-ptx.sh), or the fact that it was built without nvcc.
 *
 * @param nvccRelease the nvcc release that compiled them, or empty when the jar has no kernels
 * @param ptxIsa      the PTX ISA version of the files (a driver must support it to load them)
 * @param entries     the number of kernels in the files
 */
public record KernelBuild(Optional<String> nvccRelease, String ptxIsa, int entries) {

    public static final String RESOURCE_DIR = "/cuda/";
    static final String PROPERTIES = RESOURCE_DIR + "rr_kernels.properties";

    public static KernelBuild ofClasspath() {
        try (InputStream in = KernelBuild.class.getResourceAsStream(PROPERTIES)) {
            if (in == null) return new KernelBuild(Optional.empty(), "", 0);
            Properties p = new Properties();
            p.load(in);
            return new KernelBuild(Optional.ofNullable(p.getProperty("nvcc.release")), p.getProperty("ptx.isa", "?"),
                    Integer.parseInt(p.getProperty("entries", "0").trim()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PROPERTIES, e);
        }
    }

    public boolean present() { return nvccRelease.isPresent() && entries > 0; }

    /** The PTX resource for a device: compute_90 PTX on 9.x and newer, the portable compute_80 PTX on 8.x. */
    public static Optional<String> resourceFor(int computeMajor) {
        if (computeMajor >= 9) return Optional.of(RESOURCE_DIR + "rr_kernels_cc90.ptx");
        if (computeMajor >= 8) return Optional.of(RESOURCE_DIR + "rr_kernels_cc80.ptx");
        return Optional.empty();
    }

    public String describe() {
        return present()
                ? "kernels: " + entries + " PTX entries (nvcc " + nvccRelease.get() + ", PTX ISA " + ptxIsa + ")"
                : "built without CUDA kernels (nvcc was not found when this jar was built)";
    }
}
