package dev.reasoningrouter.engine.kernels.cuda;

/**
 * Rotary parameters in ggml's rope_yarn form. With {@code extFactor = 0} this is plain RoPE scaled by
 * {@code freqScale}; with YaRN, dimensions below {@code corrLow} keep the extrapolated frequency, those above
 * {@code corrHigh} the interpolated one, with a linear ramp between, and the rotated values are multiplied by
 * {@code attnFactor * (1 + 0.1 ln(1/freqScale))}. (llama.cpp's deepseek2 passes attnFactor = 1/(1 + 0.1 ln(1/freqScale))
 * so the rotation is unscaled, and puts YaRN's mscale^2 into the attention scale instead.)
 */
public record RopeYarn(float freqBase, float freqScale, float extFactor, float attnFactor, float corrLow, float corrHigh) {

    /** Plain RoPE. */
    public static RopeYarn plain(float freqBase) {
        return new RopeYarn(freqBase, 1f, 0f, 1f, 0f, 0f);
    }

    /**
     * YaRN as DeepSeek configures it: rope_scaling.factor, original_max_position_embeddings, beta_fast, beta_slow.
     * The correction dimensions follow ggml_rope_yarn_corr_dims.
     */
    public static RopeYarn yarn(int nRot, float freqBase, float factor, int originalContext, float betaFast, float betaSlow,
                                float attnFactor) {
        if (factor <= 1f) return new RopeYarn(freqBase, 1f, 0f, attnFactor, 0f, 0f);
        double low = Math.floor(corrDim(nRot, originalContext, betaFast, freqBase));
        double high = Math.ceil(corrDim(nRot, originalContext, betaSlow, freqBase));
        return new RopeYarn(freqBase, 1f / factor, 1f, attnFactor, (float) Math.max(0, low), (float) Math.min(nRot - 1, high));
    }

    static double corrDim(int nDims, int nCtxOrig, float nRot, float base) {
        return nDims * Math.log(nCtxOrig / (nRot * 2 * Math.PI)) / (2 * Math.log(base));
    }
}
