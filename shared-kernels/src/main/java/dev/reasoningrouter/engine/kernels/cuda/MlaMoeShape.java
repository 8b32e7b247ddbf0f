package dev.reasoningrouter.engine.kernels.cuda;

/**
 * The sizes and routing rules of a DeepSeek-V2/V3 model, as the GPU decoder needs them.
 *
 * @param qLoraRank  0 when q is projected directly (V2-Lite), else the q_a rank (V2, V3)
 * @param attnScale  the softmax scale, YaRN's mscale^2 / sqrt(nope + rope) included
 * @param routedTopK the trained number of routed experts per token (the largest budget)
 */
public record MlaMoeShape(int hidden, int heads, int qLoraRank, int kvRank, int ropeDim, int nopeDim, int vDim, int vocab,
                          int experts, int routedTopK, int moeInter, float rmsEps, float attnScale, RopeYarn rope, MoeGating gating) {

    public int qDim() { return nopeDim + ropeDim; }

    /** Floats per token per layer in the latent cache: the normalised latent and the rotated key. */
    public int cacheRow() { return kvRank + ropeDim; }
}
