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
        return new CudaModule(device, module, resource);
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
