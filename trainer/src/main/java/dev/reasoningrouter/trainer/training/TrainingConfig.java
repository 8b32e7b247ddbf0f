package dev.reasoningrouter.trainer.training;

/**
 * The optimisation settings of a run.
 *
 * @param steps           optimiser steps in all
 * @param batchTokens     tokens per step (sequences are drawn until the batch reaches this)
 * @param peakLr          the learning rate after warm-up
 * @param warmupSteps     linear warm-up
 * @param minLrFraction   the decay ends at this fraction of the peak
 * @param decayFraction   the share of the steps, at the end, over which the rate decays (before it: the peak)
 * @param gradClip        the largest global gradient norm (larger ones are scaled down)
 * @param biasUpdateRate  the expert-balancing bias step per optimiser step
 * @param initSeed        the parameters' initialisation seed
 */
public record TrainingConfig(int steps, int batchTokens, double peakLr, int warmupSteps, double minLrFraction,
                             double decayFraction, double weightDecay, double beta1, double beta2, double gradClip, double biasUpdateRate,
                             long initSeed) {
    public TrainingConfig {
        if (steps < 1 || batchTokens < 16 || peakLr <= 0 || gradClip <= 0) {
            throw new IllegalArgumentException("training config: steps >= 1, batch tokens >= 16, lr > 0, clip > 0");
        }
    }

    public TrainingConfig withPeakLr(double lr) {
        return new TrainingConfig(steps, batchTokens, lr, warmupSteps, minLrFraction, decayFraction, weightDecay, beta1, beta2,
                gradClip, biasUpdateRate, initSeed);
    }

    /** The shipped model's settings, for a given number of steps. */
    public static TrainingConfig standard(int steps, int batchTokens, long initSeed) {
        return new TrainingConfig(steps, batchTokens, 2e-3, Math.min(300, Math.max(1, steps / 20)), 0.05, 0.2, 0.05, 0.9, 0.95,
                1.0, 5e-3, initSeed);
    }

    public TrainingConfig withSteps(int newSteps) {
        return new TrainingConfig(newSteps, batchTokens, peakLr, warmupSteps, minLrFraction, decayFraction, weightDecay, beta1,
                beta2, gradClip, biasUpdateRate, initSeed);
    }
}
