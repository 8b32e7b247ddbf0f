package dev.reasoningrouter.engine.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;

import java.nio.charset.StandardCharsets;
import jcuda.CudaException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * One GPU, opened through the JCuda driver API with its primary context. Every public operation binds the
 * context to the calling thread first, so any thread may use it (one at a time: the kernels share buffers).
 */
public final class CudaDevice implements AutoCloseable {

    private final CudaDeviceInfo info;
    private final CUdevice device;
    private final CUcontext context;
    private boolean closed;

    private CudaDevice(CudaDeviceInfo info, CUdevice device, CUcontext context) {
        this.info = info;
        this.device = device;
        this.context = context;
    }

    /**
     * Asks the driver whether a CUDA device can be used, without keeping anything open. Never throws: a missing
     * driver library (JCuda raises {@link UnsatisfiedLinkError}, a {@link LinkageError}), no device, a device
     * older than compute 8.0, or a jar built without kernels all come back as {@link CudaProbe.Unavailable}.
     */
    public static CudaProbe probe() {
        return probe(0);
    }

    public static CudaProbe probe(int ordinal) {
        KernelBuild kernels = KernelBuild.ofClasspath();
        CudaDeviceInfo info;
        try {
            info = query(ordinal);
        } catch (LinkageError e) {
            return new CudaProbe.Unavailable("no CUDA driver: " + linkFailure(e));
        } catch (CudaException e) {
            return new CudaProbe.Unavailable("CUDA driver present but no usable device: " + firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            return new CudaProbe.Unavailable("CUDA probe failed: " + e);
        }
        if (KernelBuild.resourceFor(info.computeMajor()).isEmpty()) {
            return new CudaProbe.Unavailable(info.describe() + " is below compute capability 8.0, which the kernels need");
        }
        if (!kernels.present()) {
            return new CudaProbe.Unavailable(info.describe() + " found, but this jar was " + kernels.describe());
        }
        return new CudaProbe.Available(info, kernels);
    }

    /** Opens device {@code ordinal}; throws {@link CudaUnavailableException} with the probe's reason when it cannot. */
    public static CudaDevice open(int ordinal) {
        try {
            CudaDeviceInfo info = query(ordinal);
            CUdevice dev = new CUdevice();
            cuDeviceGet(dev, ordinal);
            CUcontext ctx = new CUcontext();
            cuDevicePrimaryCtxRetain(ctx, dev);
            cuCtxSetCurrent(ctx);
            return new CudaDevice(info, dev, ctx);
        } catch (LinkageError e) {
            throw new CudaUnavailableException("no CUDA driver: " + linkFailure(e), e);
        } catch (CudaException e) {
            throw new CudaUnavailableException("cannot open CUDA device " + ordinal + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static CudaDeviceInfo query(int ordinal) {
        JCudaDriver.setExceptionsEnabled(true);
        cuInit(0);
        int[] count = new int[1];
        cuDeviceGetCount(count);
        if (count[0] == 0) throw new CudaException("the driver reports no CUDA devices");
        if (ordinal < 0 || ordinal >= count[0]) {
            throw new CudaException("device ordinal " + ordinal + " out of range: " + count[0] + " device(s)");
        }
        CUdevice dev = new CUdevice();
        cuDeviceGet(dev, ordinal);
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, dev);
        long[] mem = new long[1];
        cuDeviceTotalMem(mem, dev);
        int[] driver = new int[1];
        cuDriverGetVersion(driver);
        return new CudaDeviceInfo(ordinal, cString(name),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR), mem[0],
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH), driver[0]);
    }

    private static int attribute(CUdevice dev, int attribute) {
        int[] v = new int[1];
        cuDeviceGetAttribute(v, attribute, dev);
        return v[0];
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** The useful line of JCuda's long native-loading report, e.g. "libcuda.so.1: cannot open shared object file". */
    static String linkFailure(LinkageError e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null && all.length() < 100_000; t = t.getCause()) all.append(t).append('\n');
        String msg = all.toString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(lib[\\w.+-]+\\.so[\\w.]*: cannot open shared object file[^\\n]*)").matcher(msg);
        if (m.find()) return m.group(1);
        if (e instanceof NoClassDefFoundError) return "JCuda's driver library already failed to load in this process (" + firstLine(msg) + ")";
        return firstLine(msg);
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public CudaDeviceInfo info() { return info; }

    /** Makes this device's context current on the calling thread. */
    public void bind() {
        if (closed) throw new IllegalStateException("CUDA device " + info.ordinal() + " is closed");
        cuCtxSetCurrent(context);
    }

    /** Allocates {@code bytes} of device memory (contents undefined). */
    public DeviceBuffer allocate(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("allocation size must be positive, got " + bytes);
        bind();
        CUdeviceptr p = new CUdeviceptr();
        try {
            cuMemAlloc(p, bytes);
        } catch (CudaException e) {
            long[] free = new long[1], total = new long[1];
            cuMemGetInfo(free, total);
            throw new CudaException("cannot allocate " + bytes + " bytes on " + info.name() + " (" + free[0]
                    + " of " + total[0] + " bytes free): " + e.getMessage());
        }
        return new DeviceBuffer(this, p, bytes);
    }

    public DeviceBuffer allocateFloats(long count) { return allocate(4 * count); }

    /** Waits for all queued work; surfaces any asynchronous kernel fault here. */
    public void synchronize() {
        bind();
        cuCtxSynchronize();
    }

    /** Free and total device memory in bytes. */
    public long[] memoryInfo() {
        bind();
        long[] free = new long[1], total = new long[1];
        cuMemGetInfo(free, total);
        return new long[] {free[0], total[0]};
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        cuDevicePrimaryCtxRelease(device);
    }
}
