package dev.reasoningrouter.engine.kernels.cuda;

/**
 * One sequence's MLA latent cache in device memory: per layer, {@code capacity} rows of {@code row} floats
 * ([normalised latent (kvRank) | rotated key (ropeDim)], {@link MlaMoeShape#cacheRow()}), layer after layer. Grows by
 * doubling with device-to-device copies, so a sequence only holds memory for the tokens it reached, not for the
 * largest length it might reach.
 */
final class DeviceLatentCache implements AutoCloseable {

    private final CudaDevice device;
    private final int layers;
    private final int row;
    private DeviceBuffer buffer;
    private int capacity;

    DeviceLatentCache(CudaDevice device, int layers, int row, int capacity) {
        if (layers < 1 || row < 1 || capacity < 1) {
            throw new IllegalArgumentException("cache needs layers, row and capacity >= 1: " + layers + ", " + row + ", " + capacity);
        }
        this.device = device;
        this.layers = layers;
        this.row = row;
        this.buffer = allocate(capacity);
        this.capacity = capacity;
    }

    private DeviceBuffer allocate(int tokens) {
        DeviceBuffer b = device.allocateFloats((long) layers * tokens * row);
        b.zero();  // attention never reads unwritten rows; zeroes keep a bug there deterministic
        return b;
    }

    int capacity() { return capacity; }

    long bytes() { return buffer == null ? 0 : buffer.bytes(); }

    /** Layer {@code layer}'s rows (all {@link #capacity()} of them). */
    DeviceSlice layer(int layer) {
        if (buffer == null) throw new IllegalStateException("latent cache already freed");
        return buffer.floats((long) layer * capacity * row, (long) capacity * row);
    }

    /** Room for {@code tokens} tokens, keeping the first {@code keep} of every layer. */
    void ensureCapacity(int tokens, int keep) {
        if (tokens <= capacity) return;
        if (buffer == null) throw new IllegalStateException("latent cache already freed");
        int cap = (int) Math.min(Integer.MAX_VALUE, Math.max(tokens, 2L * capacity));
        DeviceBuffer grown = allocate(cap);
        try {
            for (int l = 0; l < layers; l++) {
                grown.copyFrom(4L * l * cap * row, buffer, 4L * l * capacity * row, 4L * keep * row);
            }
        } catch (RuntimeException e) {
            grown.close();
            throw e;
        }
        buffer.close();
        buffer = grown;
        capacity = cap;
    }

    @Override
    public void close() {
        if (buffer != null) {
            buffer.close();
            buffer = null;
        }
    }
}
