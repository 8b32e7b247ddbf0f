package dev.reasoningrouter.trainer.nn;

import dev.reasoningrouter.engine.model.ModelConfig;
import java.util.Arrays;

/**
 * DeepSeekMoE as the engine runs it, forward and backward: sigmoid (or softmax) scores of the router logits; the
 * top-k experts by score plus the selection bias (DeepSeek-V3's bias-based balancing: the bias only chooses, it never
 * weights), k being each token's own budget; the chosen scores renormalised and route-scaled; the shared expert always
 * on. Gradients reach the router through the weights of the chosen experts (the choice itself is not differentiable).
 */
final class Moe {
    private final ModelConfig c;
    final Parameter router, bias;
    final Ffn[] experts;
    final Ffn shared;
    private final int ne, d, maxK;

    Moe(ModelConfig c, Parameter router, Parameter bias, Ffn[] experts, Ffn shared) {
        this.c = c;
        this.router = router;
        this.bias = bias;
        this.experts = experts;
        this.shared = shared;
        this.ne = c.nRoutedExperts();
        this.d = c.hiddenSize();
        this.maxK = c.numExpertsPerTok();
        if (c.nGroup() > 1 && c.topkGroup() < c.nGroup()) {
            throw new IllegalArgumentException("the trainer does not do group-limited routing (n_group 1 expected)");
        }
    }

    static final class State {
        float[] x, scores, weights, sharedOut, dLogits, gather, dGather;
        int[] ids;
        int[] count;
        int[][] rows;
        int[][] slots;
        float[][] xE, yE;
        Ffn.State sharedState = new Ffn.State();
        Ffn.State[] expertStates;
        long[] load;
        /** When set, the choice of the forward pass that set it is replayed (gradient checks: no flips). */
        int[] replayIds;
    }

    State newState() {
        State s = new State();
        s.count = new int[ne];
        s.rows = new int[ne][];
        s.slots = new int[ne][];
        s.xE = new float[ne][];
        s.yE = new float[ne][];
        s.expertStates = new Ffn.State[ne];
        for (int e = 0; e < ne; e++) {
            s.expertStates[e] = new Ffn.State();
            s.rows[e] = new int[0];
            s.slots[e] = new int[0];
        }
        s.load = new long[ne];
        return s;
    }

    void forward(State s, Batch b, float[] x, float[] out) {
        int n = b.n;
        s.x = x;
        s.scores = Kernels.grow(s.scores, n * ne);
        s.ids = Kernels.grow(s.ids, n * maxK);
        s.weights = Kernels.grow(s.weights, n * maxK);
        Gemm.forward(n, d, ne, x, router.transposed(), s.scores);
        Arrays.fill(s.count, 0);
        float[] select = new float[ne];
        for (int i = 0; i < n; i++) {
            route(s, i, b.experts[i], select);
        }
        // rows per expert (in row order), then each expert's rows as one product
        for (int e = 0; e < ne; e++) {
            s.rows[e] = Kernels.grow(s.rows[e], s.count[e]);
            s.slots[e] = Kernels.grow(s.slots[e], s.count[e]);
        }
        int[] fill = new int[ne];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < b.experts[i]; j++) {
                int e = s.ids[i * maxK + j];
                s.rows[e][fill[e]] = i;
                s.slots[e][fill[e]] = i * maxK + j;
                fill[e]++;
            }
        }
        if (shared != null) {
            s.sharedOut = Kernels.grow(s.sharedOut, n * d);
            shared.forward(s.sharedState, n, x, s.sharedOut);
            System.arraycopy(s.sharedOut, 0, out, 0, n * d);
        } else {
            Arrays.fill(out, 0, n * d, 0f);
        }
        for (int e = 0; e < ne; e++) {
            int m = s.count[e];
            s.load[e] += m;
            if (m == 0) {
                continue;
            }
            s.xE[e] = Kernels.grow(s.xE[e], m * d);
            s.yE[e] = Kernels.grow(s.yE[e], m * d);
            for (int r = 0; r < m; r++) {
                System.arraycopy(x, s.rows[e][r] * d, s.xE[e], r * d, d);
            }
            experts[e].forward(s.expertStates[e], m, s.xE[e], s.yE[e]);
        }
        // the weighted sum in each token's choice order, as the engine adds it
        int[] pos = new int[ne];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < b.experts[i]; j++) {
                int e = s.ids[i * maxK + j];
                int r = pos[e]++;
                Kernels.axpy(s.weights[i * maxK + j], s.yE[e], r * d, out, i * d, d);
            }
        }
    }

    /** Scores, choice and weights of row i; the choice matches the engine's (first of equal scores wins). */
    private void route(State s, int i, int k, float[] select) {
        int so = i * ne;
        float[] sc = s.scores;
        if (c.scoringFunc() == ModelConfig.Gating.SOFTMAX) {
            float max = Float.NEGATIVE_INFINITY;
            for (int e = 0; e < ne; e++) {
                max = Math.max(max, sc[so + e]);
            }
            float sum = 0;
            for (int e = 0; e < ne; e++) {
                sc[so + e] = (float) Math.exp(sc[so + e] - max);
                sum += sc[so + e];
            }
            for (int e = 0; e < ne; e++) {
                sc[so + e] /= sum;
            }
        } else {
            for (int e = 0; e < ne; e++) {
                sc[so + e] = (float) (1.0 / (1.0 + Math.exp(-sc[so + e])));
            }
        }
        float[] bv = bias != null ? bias.value() : null;
        for (int e = 0; e < ne; e++) {
            select[e] = bv != null ? sc[so + e] + bv[e] : sc[so + e];
        }
        int wo = i * maxK;
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int e = 0; e < ne; e++) {
                if (!Float.isNaN(select[e]) && (best < 0 || select[e] > select[best])) {
                    best = e;
                }
            }
            if (s.replayIds != null) {
                best = s.replayIds[wo + j];
            }
            s.ids[wo + j] = best;
            s.weights[wo + j] = sc[so + best];
            select[best] = Float.NaN;
            s.count[best]++;
        }
        if (c.normTopKProb()) {
            float sum = 0;
            for (int j = 0; j < k; j++) {
                sum += s.weights[wo + j];
            }
            for (int j = 0; j < k; j++) {
                s.weights[wo + j] /= sum + 1e-20f;
            }
        }
        for (int j = 0; j < k; j++) {
            s.weights[wo + j] *= c.routedScalingFactor();
        }
    }

    void backward(State s, Batch b, float[] dOut, float[] dx, Gradients grads) {
        int n = b.n;
        if (shared != null) {
            shared.backward(s.sharedState, dOut, dx, false, grads);
        } else {
            Arrays.fill(dx, 0, n * d, 0f);
        }
        s.dLogits = Kernels.grow(s.dLogits, n * ne);
        Arrays.fill(s.dLogits, 0, n * ne, 0f);
        float[] gw = new float[n * maxK];
        for (int e = 0; e < ne; e++) {
            int m = s.count[e];
            if (m == 0) {
                continue;
            }
            s.gather = Kernels.grow(s.gather, m * d);
            s.dGather = Kernels.grow(s.dGather, m * d);
            for (int r = 0; r < m; r++) {
                int i = s.rows[e][r], slot = s.slots[e][r];
                float w = s.weights[slot];
                for (int j = 0; j < d; j++) {
                    s.gather[r * d + j] = w * dOut[i * d + j];
                }
                gw[slot] = Kernels.dot(dOut, i * d, s.yE[e], r * d, d);
            }
            experts[e].backward(s.expertStates[e], s.gather, s.dGather, false, grads);
            for (int r = 0; r < m; r++) {
                Kernels.axpy(1f, s.dGather, r * d, dx, s.rows[e][r] * d, d);
            }
        }
        // through the weights to the scores, then to the router logits
        float gamma = c.routedScalingFactor();
        for (int i = 0; i < n; i++) {
            int k = b.experts[i], wo = i * maxK, so = i * ne;
            double sum = 0, dotGs = 0;
            for (int j = 0; j < k; j++) {
                float sj = s.scores[so + s.ids[wo + j]];
                sum += sj;
                dotGs += gw[wo + j] * sj;
            }
            for (int j = 0; j < k; j++) {
                int e = s.ids[wo + j];
                float se = s.scores[so + e];
                double ds = c.normTopKProb() ? gamma * (gw[wo + j] / sum - dotGs / (sum * sum)) : gamma * gw[wo + j];
                s.dLogits[so + e] = (float) (c.scoringFunc() == ModelConfig.Gating.SIGMOID ? ds * se * (1 - se) : ds);
            }
            if (c.scoringFunc() == ModelConfig.Gating.SOFTMAX) {
                // softmax over all experts: dlogit_e = s_e (ds_e - sum_j ds_j s_j)
                double t = 0;
                for (int e = 0; e < ne; e++) {
                    t += s.dLogits[so + e] * s.scores[so + e];
                }
                for (int e = 0; e < ne; e++) {
                    s.dLogits[so + e] = (float) (s.scores[so + e] * (s.dLogits[so + e] - t));
                }
            }
        }
        Gemm.backwardWeight(n, d, ne, s.dLogits, s.x, grads.of(router));
        Gemm.backwardInput(n, d, ne, s.dLogits, router.value(), dx, true);
    }
}
