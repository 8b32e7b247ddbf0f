package dev.reasoningrouter.pathserving.core;

import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.serving.ModelHost;

/**
 * What one serving path runs with, as reported in each response's {@code "rr"} block.
 *
 * @param path                 "fast" or "reasoning"
 * @param budget               routed experts per token
 * @param trainedTopK          the model's trained top-k
 * @param activeParamsPerToken weights one token reads under the budget
 * @param totalParams          all of the model's weights
 * @param modelName            the loaded model's id
 * @param warning              null for a real model; for a random-weight test model a plain warning
 */
public record PathProfile(String path, ExpertBudget budget, int trainedTopK, long activeParamsPerToken, long totalParams,
                          String modelName, String warning) {

    /** The warning every output of a synthetic model carries. */
    public static final String SYNTHETIC_WARNING = "random-weight test model: the text is meaningless";

    public static PathProfile of(String path, ModelHost host, ExpertBudget budget) {
        return new PathProfile(path, budget, host.trainedTopK(), host.activeParametersPerToken(budget),
                host.totalParameters(), host.modelName(), host.isSynthetic() ? SYNTHETIC_WARNING : null);
    }

    /**
     * The fast path's routed-expert budget: {@code configured} when given (checked 1..trained top-k), else
     * max(1, top-k / 3).
     */
    public static ExpertBudget fastBudget(Integer configured, ModelHost host) {
        int topK = host.trainedTopK();
        int k = configured == null ? Math.max(1, topK / 3) : configured;
        if (k < 1 || k > topK) {
            throw new IllegalArgumentException("rr.fast.experts must be between 1 and the model's trained top-k " + topK
                    + ", got " + k);
        }
        return new ExpertBudget(k);
    }

    /** Effective Parameter Utilization: the share of the model's weights one token reads on this path. */
    public double parameterUtilization() {
        return totalParams == 0 ? 0 : (double) activeParamsPerToken / totalParams;
    }

    /** Whether a request's {@code model} names this path: its path name, the loaded model's id, or nothing. */
    public boolean accepts(String model) {
        return model == null || model.equals(path) || model.equals(modelName);
    }
}
