package dev.reasoningrouter.engine.kernels.cuda;

import java.util.List;

/**
 * A DeepSeek-V2/V3 decode step on the GPU for one sequence: weights uploaded once, the latent KV cache on the device,
 * and only the next token id (and its log-probability) coming back to the host. Absorbed MLA: the cache keeps
 * per token and layer the normalised latent and the rotated key; q_nope is absorbed through W_UK, the attention
 * output through W_UV. Not thread-safe: one decode at a time per instance.
 */
public final class CudaDecoder implements AutoCloseable {

    /** The chosen token and its log-probability under the (temperature-scaled) distribution. */
    public record Next(int token, float logprob) {}

    private final CudaKernels k;
    private final MlaMoeShape s;
    private final DeviceMatrix embed;
    private final DeviceSlice outNorm;
    private final DeviceMatrix lmHead;
    private final List<DecoderLayerWeights> layers;
    private final int maxContext;
    private final DeviceBuffer cache;
    private final DeviceBuffer act;
    private final DeviceBuffer small;
    private final MlaWorkspace ws;
    private final DeviceSlice x, xn, qa, q, qLat, oLat, o, routerLogits, h, hShared, logits, routeWeights;
    private final DeviceSlice token, position, routeExperts, outId, outLogprob, samplingParams;

    public CudaDecoder(CudaKernels kernels, MlaMoeShape shape, DeviceMatrix embed, List<DecoderLayerWeights> layers, DeviceSlice outNorm,
                       DeviceMatrix lmHead, int maxContext) {
        this.k = kernels;
        this.s = shape;
        this.embed = embed;
        this.layers = List.copyOf(layers);
        this.outNorm = outNorm;
        this.lmHead = lmHead;
        this.maxContext = maxContext;
        if (embed.cols() != shape.hidden() || lmHead.rows() != shape.vocab() || lmHead.cols() != shape.hidden()) {
            throw new IllegalArgumentException("embedding or LM head does not match hidden " + shape.hidden() + " / vocab " + shape.vocab());
        }
        CudaDevice d = kernels.device();
        cache = d.allocateFloats((long) this.layers.size() * maxContext * shape.cacheRow());
        cache.zero();
        int inter = 0, sharedInter = 0;
        for (DecoderLayerWeights l : this.layers) {
            inter = Math.max(inter, l.moe() ? l.gate().rows() * shape.routedTopK() : l.gate().rows());
            if (l.sharedGate() != null) sharedInter = Math.max(sharedInter, l.sharedGate().rows());
        }
        long[] sizes = {shape.hidden(), shape.hidden(), Math.max(shape.qLoraRank(), 1), (long) shape.heads() * shape.qDim(),
                (long) shape.heads() * shape.kvRank(), (long) shape.heads() * shape.kvRank(), (long) shape.heads() * shape.vDim(),
                Math.max(shape.experts(), 1), inter, Math.max(sharedInter, 1), shape.vocab(), 32};
        long total = 0;
        for (long n : sizes) total += roundUp4(n);
        act = d.allocateFloats(total);
        act.zero();
        DeviceSlice[] parts = new DeviceSlice[sizes.length];
        long at = 0;
        for (int i = 0; i < sizes.length; i++) { parts[i] = act.floats(at, sizes[i]); at += roundUp4(sizes[i]); }
        x = parts[0]; xn = parts[1]; qa = parts[2]; q = parts[3]; qLat = parts[4]; oLat = parts[5]; o = parts[6];
        routerLogits = parts[7]; h = parts[8]; hShared = parts[9]; logits = parts[10]; routeWeights = parts[11];
        small = d.allocate(4L * 64);
        token = small.slice(0, 4); position = small.slice(4, 4); outId = small.slice(8, 4); outLogprob = small.slice(12, 4);
        samplingParams = small.slice(16, 12);  // temperature, top-p, u
        routeExperts = small.slice(64, 4L * 32);
        ws = MlaWorkspace.allocate(d, shape.heads(), shape.kvRank(), 64);
    }

    public MlaMoeShape shape() { return s; }

    public int maxContext() { return maxContext; }

    /** Latent-cache bytes per token (all layers): what MLA keeps instead of per-head keys and values. */
    public long cacheBytesPerToken() { return 4L * layers.size() * s.cacheRow(); }

    /** Weight bytes read per token at a budget of {@code experts} routed experts. */
    public long activeBytes(int experts) {
        long b = embed.type().rowBytes(s.hidden()) + lmHead.bytes();
        for (DecoderLayerWeights l : layers) b += l.activeBytes(experts);
        return b;
    }

    /** Runs token {@code tokenId} at {@code pos} (the cache holds positions 0..pos-1) and leaves logits on the device. */
    public void forward(int tokenId, int pos, int experts) {
        if (pos < 0 || pos >= maxContext) throw new IllegalArgumentException("position " + pos + " outside the cache of " + maxContext);
        if (experts < 1 || experts > s.routedTopK()) {
            throw new IllegalArgumentException("expert budget must be 1.." + s.routedTopK() + ", got " + experts);
        }
        if (tokenId < 0 || tokenId >= s.vocab()) throw new IllegalArgumentException("token " + tokenId + " outside the vocabulary of " + s.vocab());
        small.upload(0, new int[] {tokenId, pos});
        k.embed(embed, token, 1, x, s.hidden());
        for (int i = 0; i < layers.size(); i++) {
            attention(layers.get(i), cacheOf(i), pos);
            ffn(layers.get(i), experts);
        }
        k.rmsNorm(x, s.hidden(), outNorm, xn, s.hidden(), 1, s.hidden(), s.rmsEps());
        k.matmul(lmHead, xn, s.hidden(), logits, s.vocab(), 1, false);
    }

    // Pieces of forward() for the bench's time split (same kernels, same order).
    void embedOnly(int tokenId, int pos) {
        small.upload(0, new int[] {tokenId, pos});
        k.embed(embed, token, 1, x, s.hidden());
    }

    void attentionOnly(int pos) {
        for (int i = 0; i < layers.size(); i++) attention(layers.get(i), cacheOf(i), pos);
    }

    void ffnOnly(int experts) {
        for (DecoderLayerWeights l : layers) ffn(l, experts);
    }

    void headOnly() {
        k.rmsNorm(x, s.hidden(), outNorm, xn, s.hidden(), 1, s.hidden(), s.rmsEps());
        k.matmul(lmHead, xn, s.hidden(), logits, s.vocab(), 1, false);
        k.argmax(logits, s.vocab(), s.vocab(), 1, outId, outLogprob);
    }

    /** Greedy (temperature 0) or temperature + top-p with the host's uniform {@code u}: only the id comes back. */
    public Next next(int tokenId, int pos, int experts, float temperature, float topP, float u) {
        forward(tokenId, pos, experts);
        if (temperature <= 0) {
            k.argmax(logits, s.vocab(), s.vocab(), 1, outId, outLogprob);
        } else {
            small.upload(16, new float[] {temperature, topP, u});
            k.sampleTopP(logits, s.vocab(), s.vocab(), 1, samplingParams.slice(0, 4), samplingParams.slice(4, 4), samplingParams.slice(8, 4),
                    outId, outLogprob);
        }
        int id = small.downloadInts(2, 1)[0];
        float lp = small.downloadFloats(3, 1)[0];
        return new Next(id, lp);
    }

    /** The last forward's logits (for checking against the CPU engine; a decode step does not need them). */
    public float[] logits() { return act.downloadFloats(logits.offsetBytes() / 4, s.vocab()); }

    private DeviceSlice cacheOf(int layer) {
        return cache.floats((long) layer * maxContext * s.cacheRow(), (long) maxContext * s.cacheRow());
    }

    private void attention(DecoderLayerWeights l, DeviceSlice layerCache, int pos) {
        int hidden = s.hidden(), ld = s.cacheRow(), heads = s.heads(), qDim = s.qDim(), nope = s.nopeDim();
        k.rmsNorm(x, hidden, l.attnNorm(), xn, hidden, 1, hidden, s.rmsEps());
        if (l.qA() != null) {
            k.matmul(l.qA(), xn, hidden, qa, s.qLoraRank(), 1, false);
            k.rmsNorm(qa, s.qLoraRank(), l.qANorm(), qa, s.qLoraRank(), 1, s.qLoraRank(), s.rmsEps());
            k.matmul(l.q(), qa, s.qLoraRank(), q, heads * qDim, 1, false);
        } else {
            k.matmul(l.q(), xn, hidden, q, heads * qDim, 1, false);
        }
        DeviceSlice row = layerCache.floats((long) pos * ld, ld);
        k.matmul(l.kvA(), xn, hidden, row, ld, 1, false);
        k.rmsNorm(row, ld, l.kvANorm(), row, ld, 1, s.kvRank(), s.rmsEps());
        k.rope(row.floats(s.kvRank(), s.ropeDim()), ld, 0, 1, 1, s.ropeDim(), position, s.rope());
        DeviceSlice qPe = q.floats(nope, (long) heads * qDim - nope);
        k.rope(qPe, (long) heads * qDim, qDim, 1, heads, s.ropeDim(), position, s.rope());
        k.groupedMatmul(l.kB(), q, 0, qDim, qLat, 0, s.kvRank(), 1, false);
        k.mlaDecode(qLat, s.kvRank(), qPe, qDim, layerCache, ld, pos + 1, heads, s.kvRank(), s.ropeDim(), s.attnScale(), ws, oLat, s.kvRank());
        k.groupedMatmul(l.vB(), oLat, 0, s.kvRank(), o, 0, s.vDim(), 1, false);
        k.matmul(l.out(), o, heads * s.vDim(), x, hidden, 1, true);
    }

    private void ffn(DecoderLayerWeights l, int experts) {
        int hidden = s.hidden();
        k.rmsNorm(x, hidden, l.ffnNorm(), xn, hidden, 1, hidden, s.rmsEps());
        if (!l.moe()) {
            k.ffnGateUp(l.gate(), l.up(), xn, hidden, h, l.gate().rows(), 1);
            k.matmul(l.down(), h, l.down().cols(), x, hidden, 1, true);
            return;
        }
        k.matmul(l.router(), xn, hidden, routerLogits, s.experts(), 1, false);
        k.moeGate(routerLogits, s.experts(), l.routerBias(), s.experts(), s.gating(), experts, 1, routeExperts, routeWeights);
        k.moeGateUp(l.gate(), l.up(), xn, hidden, routeExperts, experts, 1, h, l.gate().rows());
        k.moeDown(l.down(), h, l.gate().rows(), routeExperts, routeWeights, experts, 1, x, hidden, true);
        if (l.sharedGate() != null) {
            k.ffnGateUp(l.sharedGate(), l.sharedUp(), xn, hidden, hShared, l.sharedGate().rows(), 1);
            k.matmul(l.sharedDown(), hShared, l.sharedDown().cols(), x, hidden, 1, true);
        }
    }

    private static long roundUp4(long n) { return (n + 3) / 4 * 4; }

    /** Frees the cache and scratch (the weights belong to the caller). */
    @Override
    public void close() {
        cache.close();
        act.close();
        small.close();
        ws.close();
    }
}
