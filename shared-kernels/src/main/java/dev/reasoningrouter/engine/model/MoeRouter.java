package dev.reasoningrouter.engine.model;

/**
 * DeepSeekMoE routing for one token: scores (softmax or sigmoid of the router logits), the selection-only bias,
 * group-limited choice, top-k under the budget, optional renormalisation of the chosen weights and route scaling.
 * The bias only changes which experts are chosen; the weights come from the unbiased scores.
 */
final class MoeRouter {
    private final ModelConfig c;

    MoeRouter(ModelConfig c) {
        this.c = c;
    }

    /**
     * @param logits  router logits (n_routed_experts), overwritten with the scores
     * @param select  scratch of n_routed_experts
     * @param groupScore scratch of n_group
     * @return the number of experts chosen (= k), their ids in {@code ids} and weights in {@code weights}
     */
    int route(float[] logits, float[] bias, int k, int[] ids, float[] weights, float[] select, float[] groupScore) {
        int n = c.nRoutedExperts();
        if (c.scoringFunc() == ModelConfig.Gating.SOFTMAX) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, logits[i]);
            }
            float sum = 0;
            for (int i = 0; i < n; i++) {
                logits[i] = (float) Math.exp(logits[i] - max);
                sum += logits[i];
            }
            for (int i = 0; i < n; i++) {
                logits[i] /= sum;
            }
        } else {
            for (int i = 0; i < n; i++) {
                logits[i] = (float) (1.0 / (1.0 + Math.exp(-logits[i])));
            }
        }
        for (int i = 0; i < n; i++) {
            select[i] = bias != null ? logits[i] + bias[i] : logits[i];
        }
        int groups = c.nGroup();
        if (groups > 1 && c.topkGroup() < groups) {
            int per = n / groups;
            for (int g = 0; g < groups; g++) {
                float best = Float.NEGATIVE_INFINITY, second = Float.NEGATIVE_INFINITY;
                for (int i = g * per; i < (g + 1) * per; i++) {
                    float v = select[i];
                    if (v > best) {
                        second = best;
                        best = v;
                    } else if (v > second) {
                        second = v;
                    }
                }
                groupScore[g] = c.topKMethodGroupSum() && per > 1 ? best + second : best;
            }
            // keep the topk_group best groups; mask the experts of the rest
            for (int kept = 0; kept < c.topkGroup(); kept++) {
                int bestG = -1;
                for (int g = 0; g < groups; g++) {
                    if (!Float.isNaN(groupScore[g]) && (bestG < 0 || groupScore[g] > groupScore[bestG])) {
                        bestG = g;
                    }
                }
                groupScore[bestG] = Float.NaN; // NaN marks a kept group
            }
            for (int g = 0; g < groups; g++) {
                if (!Float.isNaN(groupScore[g])) {
                    for (int i = g * per; i < (g + 1) * per; i++) {
                        select[i] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
        }
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (select[i] != Float.NEGATIVE_INFINITY && !Float.isNaN(select[i]) && (best < 0 || select[i] > select[best])) {
                    best = i;
                }
            }
            ids[j] = best;
            weights[j] = logits[best];
            select[best] = Float.NaN; // taken
        }
        if (c.normTopKProb()) {
            float sum = 0;
            for (int j = 0; j < k; j++) {
                sum += weights[j];
            }
            for (int j = 0; j < k; j++) {
                weights[j] /= sum + 1e-20f;
            }
        }
        for (int j = 0; j < k; j++) {
            weights[j] *= c.routedScalingFactor();
        }
        return k;
    }
}
