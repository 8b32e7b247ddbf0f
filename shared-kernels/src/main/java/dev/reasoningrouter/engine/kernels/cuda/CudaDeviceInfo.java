package dev.reasoningrouter.engine.kernels.cuda;

/**
 * What the driver says about one GPU.
 *
 * @param memoryClockKhz     peak memory clock as CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE reports it
 * @param memoryBusWidthBits global memory bus width
 * @param driverVersion      cuDriverGetVersion, e.g. 13000 for CUDA 13.0
 */
public record CudaDeviceInfo(int ordinal, String name, int computeMajor, int computeMinor, long totalMemoryBytes,
                             int multiprocessors, int memoryClockKhz, int memoryBusWidthBits, int driverVersion) {

    public String computeCapability() { return computeMajor + "." + computeMinor; }

    /** Theoretical DRAM bandwidth from the attributes (double data rate); a nominal figure may differ. */
    public double peakBandwidthBytesPerSecond() {
        return 2.0 * memoryClockKhz * 1000.0 * (memoryBusWidthBits / 8.0);
    }

    public String driverVersionText() { return (driverVersion / 1000) + "." + (driverVersion % 1000) / 10; }

    public String describe() {
        return String.format("GPU %d: %s, compute %s, %.1f GiB, %d SMs, ~%.0f GB/s peak, driver CUDA %s", ordinal, name,
                computeCapability(), totalMemoryBytes / (1024.0 * 1024 * 1024), multiprocessors,
                peakBandwidthBytesPerSecond() / 1e9, driverVersionText());
    }
}
