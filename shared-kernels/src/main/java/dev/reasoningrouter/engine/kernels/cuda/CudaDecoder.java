package dev.reasoningrouter.engine.kernels.cuda;

import java.util.List;

/**
 * A DeepSeek-V2/V3 decode step on the GPU for one sequence: weights uploaded once, the latent KV cache on the device,
 * and only the next token id (and its log-probability) coming back to the host. Absorbed MLA: the cache keeps
 * per token and layer the normalised latent and the rotated key; q_nope is absorbed through W_UK, the attention
 * output through W_UV. The step itself is {@link CudaForwardPass}, which {@link CudaDeepSeekModel} runs for many
 * sequences. Not thread-safe: one decode at a time per instance.
 */
public final class CudaDecoder implements AutoCloseable {

    /**
     * The chosen token and its log-probability under the model's distribution: log softmax of the raw logits
     * (temperature 1, before top-p), whatever temperature chose it, as the host sampler reports it.
     */
    public record Next(int token, float logprob) {}

    private final CudaForwardPass pass;
    private final DeviceLatentCache cache;
    private final DeviceLatentCache[] caches;
    private final int maxContext;
    private final int[] token = new int[1], position = new int[1], budget = new int[1];

    public CudaDecoder(CudaKernels kernels, MlaMoeShape shape, DeviceMatrix embed, List<DecoderLayerWeights> layers, DeviceSlice outNorm,
                       DeviceMatrix lmHead, int maxContext) {
        this.maxContext = maxContext;
        this.pass = new CudaForwardPass(kernels, shape, embed, layers, outNorm, lmHead, 1);
        try {
            this.cache = new DeviceLatentCache(kernels.device(), layers.size(), shape.cacheRow(), maxContext);
        } catch (RuntimeException e) {
            pass.close();
            throw e;
        }
        this.caches = new DeviceLatentCache[] {cache};
    }

    public MlaMoeShape shape() { return pass.shape(); }

    public int maxContext() { return maxContext; }

    /** Latent-cache bytes per token (all layers): what MLA keeps instead of per-head keys and values. */
    public long cacheBytesPerToken() { return 4L * pass.layerCount() * pass.shape().cacheRow(); }

    /** Weight bytes read per token at a budget of {@code experts} routed experts. */
    public long activeBytes(int experts) { return pass.activeBytes(experts); }

    /** Runs token {@code tokenId} at {@code pos} (the cache holds positions 0..pos-1) and leaves logits on the device. */
    public void forward(int tokenId, int pos, int experts) {
        MlaMoeShape s = pass.shape();
        if (pos < 0 || pos >= maxContext) throw new IllegalArgumentException("position " + pos + " outside the cache of " + maxContext);
        if (experts < 1 || experts > s.routedTopK()) {
            throw new IllegalArgumentException("expert budget must be 1.." + s.routedTopK() + ", got " + experts);
        }
        if (tokenId < 0 || tokenId >= s.vocab()) throw new IllegalArgumentException("token " + tokenId + " outside the vocabulary of " + s.vocab());
        set(tokenId, pos, experts);
        pass.run(1, token, position, caches, budget, null, 0);
    }

    // Pieces of forward() for the bench's time split (same kernels, same order).
    void embedOnly(int tokenId, int pos) {
        set(tokenId, pos, budget[0]);
        pass.begin(1, token, position, 0);
    }

    void attentionOnly(int pos) {
        position[0] = pos;
        for (int l = 0; l < pass.layerCount(); l++) pass.attention(l, 1, position, caches, 0);
    }

    void ffnOnly(int experts) {
        budget[0] = experts;
        for (int l = 0; l < pass.layerCount(); l++) pass.ffn(l, 1, budget, 0);
    }

    void headOnly() {
        pass.head(0, 1);
        pass.pick(0, 0f, 1f, 0f);
    }

    /** Greedy (temperature 0) or temperature + top-p with the host's uniform {@code u}: only the id comes back. */
    public Next next(int tokenId, int pos, int experts, float temperature, float topP, float u) {
        forward(tokenId, pos, experts);
        return pass.choose(0, temperature, topP, u);
    }

    /** The last forward's logits (for checking against the CPU engine; a decode step does not need them). */
    public float[] logits() {
        float[] out = new float[pass.shape().vocab()];
        pass.downloadLogits(0, out);
        return out;
    }

    private void set(int tokenId, int pos, int experts) {
        token[0] = tokenId;
        position[0] = pos;
        budget[0] = experts;
    }

    /** Frees the cache and scratch (the weights belong to the caller). */
    @Override
    public void close() {
        cache.close();
        pass.close();
    }
}
