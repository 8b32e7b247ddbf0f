package dev.reasoningrouter.engine.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import jcuda.CudaException;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;

/** The project's PTX, loaded into a device with {@code cuModuleLoadData} (the driver JIT-compiles it for the GPU). */
public final class CudaModule implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CudaModule.class);

    private final CudaDevice device;
    private final CUmodule module;
    private final String resource;
    private final Map<String, CUfunction> functions = new HashMap<>();

    private CudaModule(CudaDevice device, CUmodule module, String resource) {
        this.device = device;
        this.module = module;
        this.resource = resource;
    }

    /** Loads the PTX that suits the device (compute_90 on 9.x+, compute_80 on 8.x). */
    public static CudaModule load(CudaDevice device) {
        KernelBuild build = KernelBuild.ofClasspath();
        if (!build.present()) throw new CudaUnavailableException("CUDA backend " + build.describe());
        CudaDeviceInfo info = device.info();
        String resource = KernelBuild.resourceFor(info.computeMajor()).orElseThrow(() -> new CudaUnavailableException(
                info.describe() + ": compute capability " + info.computeCapability() + " is below 8.0"));
        byte[] ptx = readResource(resource);
        String driverIsa = ptxIsaOfDriver(info.driverVersion());
        String note = "";
        if (compareIsa(build.ptxIsa(), driverIsa) > 0) {
            // nvcc stamps its own PTX ISA; kernels that use nothing newer assemble under the driver's (ptxas accepts
            // them at ISA 7.8 and 8.x). A genuinely newer feature still fails below, with the JIT's message.
            ptx = withIsa(ptx, driverIsa);
            note = " (PTX ISA lowered from " + build.ptxIsa() + " to " + driverIsa + " for driver CUDA " + info.driverVersionText() + ")";
            LOG.warn("{}: driver CUDA {} predates PTX ISA {}; loading {} as ISA {}", info.name(), info.driverVersionText(),
                    build.ptxIsa(), resource, driverIsa);
        }
        device.bind();
        CUmodule module = new CUmodule();
        try {
            cuModuleLoadData(module, ptx);
        } catch (CudaException e) {
            String hint = e.getMessage() != null && e.getMessage().contains(CUresult.stringFor(CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION))
                    ? " The PTX is ISA " + build.ptxIsa() + " from nvcc " + build.nvccRelease().orElse("?") + "; the driver supports CUDA "
                      + info.driverVersionText() + ". Update the driver or build the PTX with an nvcc no newer than the driver."
                    : "";
            throw new CudaUnavailableException("cannot load " + resource + " on " + info.name() + ": " + e.getMessage() + hint, e);
        }
        return new CudaModule(device, module, resource + note);
    }

    /** The newest PTX ISA a driver of CUDA version {@code driverVersion} (e.g. 12040) JIT-compiles. */
    static String ptxIsaOfDriver(int driverVersion) {
        int major = driverVersion / 1000, minor = (driverVersion % 1000) / 10;
        if (major >= 13) return "9." + minor;
        if (major == 12) return "8." + (minor <= 5 ? minor : minor - 1);  // 12.6 kept ISA 8.5; 12.7 -> 8.6 ... 12.9 -> 8.8
        if (major == 11) return "7." + minor;
        return "6.0";
    }

    static int compareIsa(String a, String b) {
        String[] x = a.split("\\."), y = b.split("\\.");
        int c = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
        return c != 0 ? c : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
    }

    /** Rewrites the {@code .version} directive of NUL-terminated PTX text. */
    static byte[] withIsa(byte[] ptx, String isa) {
        String text = new String(ptx, 0, ptx.length - 1, java.nio.charset.StandardCharsets.US_ASCII);
        String out = text.replaceFirst("(?m)^\\.version \\d+\\.\\d+", ".version " + isa);
        byte[] b = out.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return Arrays.copyOf(b, b.length + 1);
    }

    static byte[] readResource(String resource) {
        try (InputStream in = CudaModule.class.getResourceAsStream(resource)) {
            if (in == null) throw new CudaUnavailableException("CUDA backend built without CUDA kernels: " + resource + " is not on the classpath");
            byte[] text = in.readAllBytes();
            return Arrays.copyOf(text, text.length + 1);  // cuModuleLoadData wants NUL-terminated PTX
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    public String resource() { return resource; }

    public CudaDevice device() { return device; }

    /** The kernel {@code name}; a name missing from the PTX is a build mismatch and says so. */
    public CUfunction function(String name) {
        return functions.computeIfAbsent(name, n -> {
            device.bind();
            CUfunction f = new CUfunction();
            try {
                cuModuleGetFunction(f, module, n);
            } catch (CudaException e) {
                throw new IllegalStateException("kernel " + n + " is not in " + resource + " (stale PTX build?): " + e.getMessage(), e);
            }
            return f;
        });
    }

    @Override
    public void close() {
        device.bind();
        cuModuleUnload(module);
    }
}
