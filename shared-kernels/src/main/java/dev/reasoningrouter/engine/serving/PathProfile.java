package dev.reasoningrouter.engine.serving;

import dev.reasoningrouter.engine.model.ExpertBudget;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one serving path runs with, as reported in each response's {@code "rr"} block.
 *
 * @param path                 "fast" or "reasoning"
 * @param budget               routed experts per token
 * @param trainedTopK          the model's trained top-k
 * @param activeParamsPerToken weights one token reads under the budget
 * @param warning              null for a real model; for a random-weight test model a plain warning
 */
public record PathProfile(String path, ExpertBudget budget, int trainedTopK, long activeParamsPerToken, String modelName,
                          String warning) {

    /** The warning every output of a synthetic model carries. */
    public static final String SYNTHETIC_WARNING = "random-weight test model: the text is meaningless";

    public static PathProfile of(String path, ModelHost host, ExpertBudget budget) {
        return new PathProfile(path, budget, host.trainedTopK(), host.activeParametersPerToken(budget), host.modelName(),
                host.isSynthetic() ? SYNTHETIC_WARNING : null);
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

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        m.put("experts", budget.experts());
        m.put("trained_top_k", trainedTopK);
        m.put("active_params_per_token", activeParamsPerToken);
        if (warning != null) {
            m.put("warning", warning);
        }
        return m;
    }
}
