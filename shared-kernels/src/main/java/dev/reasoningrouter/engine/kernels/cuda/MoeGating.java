package dev.reasoningrouter.engine.kernels.cuda;

/**
 * How a DeepSeekMoE router turns logits into experts and weights.
 *
 * @param sigmoid      sigmoid scores (DeepSeek-V3) instead of softmax (V2)
 * @param groups       expert groups (1 = no group limit)
 * @param topkGroups   groups kept per token
 * @param groupTop2Sum a group's score is the sum of its two best selection scores (V3), else its best one (V2)
 * @param normTopk     divide the chosen weights by their sum
 * @param routeScale   multiply the weights by this (routed_scaling_factor)
 */
public record MoeGating(boolean sigmoid, int groups, int topkGroups, boolean groupTop2Sum, boolean normTopk, float routeScale) {

    public MoeGating {
        if (groups < 1 || groups > 64) throw new IllegalArgumentException("expert groups must be 1..64, got " + groups);
        if (topkGroups < 1 || topkGroups > groups) throw new IllegalArgumentException("topkGroups must be 1.." + groups + ", got " + topkGroups);
    }

    public static MoeGating softmax(boolean normTopk, float routeScale) {
        return new MoeGating(false, 1, 1, false, normTopk, routeScale);
    }
}
