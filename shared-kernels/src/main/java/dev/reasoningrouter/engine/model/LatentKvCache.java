package dev.reasoningrouter.engine.model;

/**
 * One sequence's attention cache in MLA form: per token and layer only the normalised latent (kv_lora_rank floats)
 * and the rotary key (qk_rope_head_dim floats), not per-head keys and values. Grows by doubling.
 *
 * <p>This class keeps the tokens on the Java heap for {@link DeepSeekModel}. A model that keeps them elsewhere (the
 * CUDA model, in device memory) subclasses it through the storage-less constructor and overrides {@link #capacity()}
 * and {@link #close()}; the length bookkeeping is shared. A cache only works with the model that made it.
 * {@link #close()} returns memory the garbage collector cannot see (device memory) as soon as a sequence ends.
 */
public class LatentKvCache implements AutoCloseable {
    private final int layers;
    private final int latentDim;
    private final int ropeDim;
    private float[][] latent;
    private float[][] ropeKey;
    private int capacity;
    private int length;

    public LatentKvCache(ModelConfig c, int initialCapacity) {
        this(c);
        this.latent = new float[layers][];
        this.ropeKey = new float[layers][];
        ensureCapacity(Math.max(1, initialCapacity));
    }

    /** A cache whose tokens another model keeps elsewhere: no heap storage here. */
    protected LatentKvCache(ModelConfig c) {
        this.layers = c.numLayers();
        this.latentDim = c.kvLoraRank();
        this.ropeDim = c.qkRopeHeadDim();
    }

    /** Tokens cached so far (the next token's position). */
    public int length() {
        return length;
    }

    /** Tokens the cache holds without growing. */
    public int capacity() {
        return capacity;
    }

    void ensureCapacity(int tokens) {
        if (latent == null) {
            throw new IllegalArgumentException("this cache keeps its tokens outside the Java heap (" + getClass().getSimpleName()
                    + "): use it with the model that made it");
        }
        if (tokens <= capacity) {
            return;
        }
        int cap = Math.max(tokens, capacity * 2);
        for (int l = 0; l < layers; l++) {
            float[] a = new float[cap * latentDim];
            float[] b = new float[cap * ropeDim];
            if (latent[l] != null) {
                System.arraycopy(latent[l], 0, a, 0, length * latentDim);
                System.arraycopy(ropeKey[l], 0, b, 0, length * ropeDim);
            }
            latent[l] = a;
            ropeKey[l] = b;
        }
        capacity = cap;
    }

    float[] latent(int layer) {
        return latent[layer];
    }

    float[] ropeKey(int layer) {
        return ropeKey[layer];
    }

    /** Records that the cache now holds {@code n} tokens (the model calls this after writing them). */
    protected final void setLength(int n) {
        length = n;
    }

    /** Forgets tokens from {@code n} on (e.g. to re-run from a prefix). */
    public void truncate(int n) {
        if (n < 0 || n > length) {
            throw new IllegalArgumentException("cannot truncate a cache of " + length + " tokens to " + n);
        }
        length = n;
    }

    /** Bytes this cache keeps per token (float32 entries). */
    public long bytesPerToken() {
        return 4L * layers * (latentDim + ropeDim);
    }

    /**
     * Ends the sequence: memory outside the Java heap is returned now. Heap storage is left to the garbage
     * collector, so closing is optional for the CPU model. Closing twice is harmless.
     */
    @Override
    public void close() {
    }
}
