package dev.reasoningrouter.engine.model;

/**
 * The number of routed experts each token of a request activates, from 1 to the model's trained top-k.
 * Shared experts are always on. A smaller budget reads fewer weights per token (faster, less exact).
 */
public record ExpertBudget(int experts) {

    public ExpertBudget {
        if (experts < 1) {
            throw new IllegalArgumentException("expert budget must be at least 1, got " + experts);
        }
    }

    /** A budget checked against the model: 1..trained top-k, with a clear error above. */
    public static ExpertBudget of(int experts, ModelConfig config) {
        if (config.moeLayerCount() == 0) {
            return new ExpertBudget(Math.max(1, experts));
        }
        if (experts < 1 || experts > config.numExpertsPerTok()) {
            throw new IllegalArgumentException("expert budget " + experts + " is out of range: this model routes each token to "
                    + config.numExpertsPerTok() + " of " + config.nRoutedExperts()
                    + " experts as trained, so the budget must be 1.." + config.numExpertsPerTok());
        }
        return new ExpertBudget(experts);
    }

    /** The model's own trained routing. */
    public static ExpertBudget full(ModelConfig config) {
        return new ExpertBudget(Math.max(1, config.numExpertsPerTok()));
    }
}
