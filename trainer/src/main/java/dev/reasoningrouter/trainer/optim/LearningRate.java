package dev.reasoningrouter.trainer.optim;

/**
 * Warm-up, stable, decay: linear warm-up to the peak, the peak held, then a cosine decay to {@code minFraction} of it
 * over the last {@code decayFraction} of the steps. Holding the rate makes a run extendable (more steps only lengthen
 * the stable part), and any checkpoint of the stable part can be finished into a model by a short decay of its own.
 */
public record LearningRate(double peak, int warmupSteps, int totalSteps, double minFraction, double decayFraction) {
    public LearningRate {
        if (peak <= 0 || warmupSteps < 0 || totalSteps < 1 || minFraction < 0 || minFraction > 1 || decayFraction < 0
                || decayFraction > 1) {
            throw new IllegalArgumentException("learning rate: peak > 0, warmup >= 0, total >= 1, min and decay fractions in [0, 1]");
        }
    }

    /** The rate for step {@code step} (0-based). */
    public double at(int step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        int decaySteps = (int) Math.round(totalSteps * decayFraction);
        int decayStart = Math.max(warmupSteps, totalSteps - decaySteps);
        if (step < decayStart) {
            return peak;
        }
        double progress = Math.min(1.0, (double) (step - decayStart) / Math.max(1, totalSteps - decayStart));
        double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
        return peak * (minFraction + (1 - minFraction) * cosine);
    }
}
