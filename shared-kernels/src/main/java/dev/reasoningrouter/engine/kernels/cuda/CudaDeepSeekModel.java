package dev.reasoningrouter.engine.kernels.cuda;

import dev.reasoningrouter.engine.model.DeviceTokenChoice;
import dev.reasoningrouter.engine.model.LatentKvCache;
import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.model.ModelWeights;
import dev.reasoningrouter.engine.model.TokenChoices;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;

/**
 * The DeepSeek-V2/V3 model on a CUDA device: every weight uploaded once from the loaded (memory-mapped) model, one
 * device latent cache per sequence, forward steps run by {@link CudaForwardPass} in batches of up to
 * {@link #MAX_ROWS} rows, and only the logits of the rows that want them copied back. Same contract as the CPU
 * {@code DeepSeekModel}: one driving thread at a time; the returned logit arrays are reused by the next call.
 *
 * <p>As a {@link DeviceTokenChoice} it also chooses rows' next tokens on the device ({@code rr_argmax}, or
 * {@code rr_sample_top_p} with the host's uniform), one launch per run of rows of one mode, and copies back only
 * their ids and log-probabilities (8 bytes a row, one transfer per pass) instead of a vocabulary of logits per row.
 *
 * <p>Caches come from {@link #newCache} and work only with this model. Their device memory is freed when the cache
 * is closed (the generator closes a sequence's cache when it ends), when a forgotten cache is found unreachable at a
 * later {@code newCache}/{@code forward}, and in any case when the model closes.
 */
public final class CudaDeepSeekModel implements DeviceTokenChoice, AutoCloseable {

    /** Rows one pass takes (a prefill chunk, or the sequences of a decode step); more run as several passes. */
    public static final int MAX_ROWS = 64;
    /** A new cache starts with room for this many tokens at most and doubles as needed (not its whole capacity hint). */
    static final int INITIAL_CACHE_TOKENS = 256;

    private final ModelConfig config;
    private final CudaDevice device;
    private final CudaModule module;
    private final CudaModelWeights weights;
    private final CudaForwardPass pass;
    private final String name;
    // cache storage by a weak reference to its Java object, so a cache nobody closed is still freed once unreachable
    private final Map<Reference<? extends LatentKvCache>, DeviceLatentCache> live = new HashMap<>();
    private final ReferenceQueue<LatentKvCache> dropped = new ReferenceQueue<>();
    private int[] positions = new int[MAX_ROWS];
    private DeviceLatentCache[] storage = new DeviceLatentCache[MAX_ROWS];
    private float[][] logits = new float[MAX_ROWS][];
    private float[][] out = new float[MAX_ROWS][];
    private boolean[] head = new boolean[MAX_ROWS];
    private boolean closed;

    private CudaDeepSeekModel(ModelConfig config, CudaDevice device, CudaModule module, CudaModelWeights weights, CudaForwardPass pass) {
        this.config = config;
        this.device = device;
        this.module = module;
        this.weights = weights;
        this.pass = pass;
        CudaDeviceInfo info = device.info();
        this.name = "cuda (" + info.name() + ", compute " + info.computeCapability() + ")";
    }

    /**
     * Opens CUDA device {@code ordinal}, loads the kernels and uploads {@code w}. Throws {@link CudaUnavailableException}
     * when the device or the kernels cannot be used or a weight type has no kernel (naming the tensors); on any
     * failure everything opened so far is released.
     */
    public static CudaDeepSeekModel open(int ordinal, ModelConfig c, ModelWeights w) {
        // before touching the device: a model the kernels cannot run fails fast, with the reason
        CudaModelWeights.checkShape(c);
        CudaModelWeights.checkTypes(w);
        CudaDevice device = CudaDevice.open(ordinal);
        CudaModule module = null;
        CudaModelWeights weights = null;
        try {
            module = CudaModule.load(device);
            weights = new CudaModelWeights(device, c, w);
            CudaForwardPass pass = new CudaForwardPass(new CudaKernels(module), weights.shape(), weights.embed(), weights.layers(),
                    weights.outNorm(), weights.lmHead(), MAX_ROWS);
            return new CudaDeepSeekModel(c, device, module, weights, pass);
        } catch (RuntimeException e) {
            if (weights != null) weights.close();
            if (module != null) module.close();
            device.close();
            throw e;
        }
    }

    @Override
    public ModelConfig config() { return config; }

    /** E.g. "cuda (NVIDIA H200, compute 9.0)". */
    @Override
    public String backendName() { return name; }

    public CudaDeviceInfo device() { return device.info(); }

    /** Device bytes the weights take. */
    public long weightBytes() { return weights.bytes(); }

    /** Device bytes the open sequences' latent caches take now (call from the driving thread). */
    public long cacheBytes() {
        reclaim();
        long b = 0;
        for (DeviceLatentCache c : live.values()) b += c.bytes();
        return b;
    }

    /** Sequences whose caches still hold device memory. */
    public int openCaches() {
        reclaim();
        return live.size();
    }

    @Override
    public LatentKvCache newCache(int capacity) {
        ensureOpen();
        reclaim();
        DeviceLatentCache s = new DeviceLatentCache(device, config.numLayers(), weights.shape().cacheRow(),
                Math.max(1, Math.min(capacity, INITIAL_CACHE_TOKENS)));
        Cache c = new Cache(this, config, s);
        WeakReference<LatentKvCache> ref = new WeakReference<>(c, dropped);
        c.ref = ref;
        live.put(ref, s);
        return c;
    }

    @Override
    public float[][] forward(LatentKvCache[] caches, int[] tokens, int n, int[] experts, boolean[] wantLogits) {
        return step(caches, tokens, n, experts, wantLogits, null);
    }

    @Override
    public float[][] forward(LatentKvCache[] caches, int[] tokens, int n, int[] experts, boolean[] wantLogits, TokenChoices choices) {
        if (choices.rows() < n) throw new IllegalArgumentException("the choices hold " + choices.rows() + " rows, the step has " + n);
        return step(caches, tokens, n, experts, wantLogits, choices);
    }

    private float[][] step(LatentKvCache[] caches, int[] tokens, int n, int[] experts, boolean[] wantLogits, TokenChoices choices) {
        ensureOpen();
        reclaim();
        ensureRows(n);
        for (int i = 0; i < n; i++) {
            if (!(caches[i] instanceof Cache c) || c.owner != this) {
                throw new IllegalArgumentException("row " + i + ": the cache was not made by this model (use its newCache)");
            }
            if (c.storage == null) throw new IllegalStateException("row " + i + ": the sequence's cache is closed");
            storage[i] = c.storage;
            positions[i] = (i > 0 && caches[i - 1] == caches[i]) ? positions[i - 1] + 1 : caches[i].length();
            if (i > 0 && caches[i - 1] != caches[i]) {
                for (int j = 0; j < i; j++) {
                    if (caches[j] == caches[i]) throw new IllegalArgumentException("rows of one sequence must be consecutive (row " + i + ")");
                }
            }
            int k = experts[i];
            if (config.moeLayerCount() > 0 && (k < 1 || k > config.numExpertsPerTok())) {
                throw new IllegalArgumentException("expert budget " + k + " out of range 1.." + config.numExpertsPerTok());
            }
            int t = tokens[i];
            if (t < 0 || t >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + t + " out of range 0.." + (config.vocabSize() - 1));
            }
            head[i] = wantLogits[i] || (choices != null && choices.chooses(i));  // rows that need the LM head
        }
        for (int i = 0; i < n; i++) {
            if (i == n - 1 || caches[i + 1] != caches[i]) storage[i].ensureCapacity(positions[i] + 1, caches[i].length());
        }
        for (int from = 0; from < n; from += MAX_ROWS) {
            int m = Math.min(MAX_ROWS, n - from);
            pass.run(m, tokens, positions, storage, experts, head, from);
            for (int i = from; i < from + m; i++) {
                if (wantLogits[i]) {
                    if (logits[i] == null) logits[i] = new float[config.vocabSize()];
                    pass.downloadLogits(i - from, logits[i]);
                }
            }
            if (choices != null) pass.choose(m, choices, from);
        }
        for (int i = 0; i < n; i++) {
            if (i == n - 1 || caches[i + 1] != caches[i]) ((Cache) caches[i]).advance(positions[i] + 1);
            out[i] = wantLogits[i] ? logits[i] : null;
            storage[i] = null;
        }
        return out;
    }

    private void ensureRows(int n) {
        if (n <= positions.length) return;
        int r = Math.max(n, 2 * positions.length);
        positions = new int[r];
        storage = new DeviceLatentCache[r];
        logits = java.util.Arrays.copyOf(logits, r);
        out = new float[r][];
        head = new boolean[r];
    }

    /** Frees the device memory of caches that became unreachable without being closed. */
    private void reclaim() {
        Reference<? extends LatentKvCache> r;
        while ((r = dropped.poll()) != null) {
            DeviceLatentCache s = live.remove(r);
            if (s != null) s.close();
        }
    }

    private void release(Cache c) {
        if (c.storage == null) return;
        live.remove(c.ref);
        c.storage.close();
        c.storage = null;
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("the CUDA model is closed");
    }

    /** Frees every cache, the weights, the scratch, the kernels and the device context. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (DeviceLatentCache s : live.values()) s.close();
        live.clear();
        pass.close();
        weights.close();
        module.close();
        device.close();
    }

    /** A sequence's cache: the shared length bookkeeping, its tokens in device memory. */
    private static final class Cache extends LatentKvCache {
        private final CudaDeepSeekModel owner;
        private DeviceLatentCache storage;
        private Reference<? extends LatentKvCache> ref;

        Cache(CudaDeepSeekModel owner, ModelConfig c, DeviceLatentCache storage) {
            super(c);
            this.owner = owner;
            this.storage = storage;
        }

        void advance(int n) { setLength(n); }

        @Override
        public int capacity() { return storage == null ? 0 : storage.capacity(); }

        @Override
        public void close() {
            if (!owner.closed) owner.release(this);
            storage = null;
        }
    }
}
