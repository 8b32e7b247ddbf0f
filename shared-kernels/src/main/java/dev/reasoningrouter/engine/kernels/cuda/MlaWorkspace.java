package dev.reasoningrouter.engine.kernels.cuda;

/** Scratch for the split (flash-decoding) MLA attention: per head and split, the partial output, max and sum. */
public record MlaWorkspace(int heads, int kvRank, int maxSplits, DeviceBuffer partials) implements AutoCloseable {

    public static MlaWorkspace allocate(CudaDevice device, int heads, int kvRank, int maxSplits) {
        long floats = (long) heads * maxSplits * (kvRank + 2);
        return new MlaWorkspace(heads, kvRank, maxSplits, device.allocateFloats(floats));
    }

    DeviceSlice out() { return partials.floats(0, (long) heads * maxSplits * kvRank); }

    DeviceSlice max() { return partials.floats((long) heads * maxSplits * kvRank, (long) heads * maxSplits); }

    DeviceSlice sum() { return partials.floats((long) heads * maxSplits * (kvRank + 1), (long) heads * maxSplits); }

    @Override
    public void close() { partials.close(); }
}
