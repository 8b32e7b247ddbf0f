package dev.reasoningrouter.engine.generate;

import dev.reasoningrouter.engine.model.TokenChoices;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits: greedy, or temperature + top-p with a seeded random source. Reuses its arrays.
 * Or, for a model that chooses on the device, describes the choice ({@link #describe}): the same settings, and the
 * same one draw from the random source per sampled token, so a seed reproduces a run on either path.
 */
final class Sampler {
    private final SamplingParams params;
    private final SplittableRandom random;
    private float[] probs = new float[0];
    private int[] order = new int[0];

    Sampler(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    /**
     * Sets row {@code row} of {@code choices} to this sequence's next choice: greedy, or temperature + top-p with a
     * uniform drawn now (the draw {@link #sample} would make).
     */
    void describe(TokenChoices choices, int row) {
        if (params.temperature() == 0) {
            choices.greedy(row);
        } else {
            // the kernels take a float in [0, 1): a double just below 1 must not round up to 1
            float u = Math.min((float) random.nextDouble(), Math.nextDown(1f));
            choices.sample(row, params.temperature(), params.topP(), u);
        }
    }

    /**
     * log-softmax of {@code logits} at {@code token}: the model's distribution (temperature 1, before top-p), whatever
     * temperature chose the token. The device choice reports the same ({@link TokenChoices#logprob}).
     */
    static float logprob(float[] logits, int token) {
        return (float) LogSoftmax.at(logits, token);
    }

    int sample(float[] logits) {
        int n = logits.length;
        if (params.temperature() == 0) {
            int best = 0;
            for (int i = 1; i < n; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            return best;
        }
        if (probs.length < n) {
            probs = new float[n];
            order = new int[n];
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        double invT = 1.0 / params.temperature();
        for (int i = 0; i < n; i++) {
            probs[i] = (float) Math.exp((logits[i] - max) * invT);
            sum += probs[i];
        }
        for (int i = 0; i < n; i++) {
            probs[i] /= (float) sum;
        }
        if (params.topP() >= 1) {
            double u = random.nextDouble();
            double acc = 0;
            for (int i = 0; i < n; i++) {
                acc += probs[i];
                if (u < acc) {
                    return i;
                }
            }
            return n - 1;
        }
        // nucleus: most likely first, until the mass reaches top_p
        int m = 0;
        float cutoff = (float) ((1 - params.topP()) / n);
        for (int i = 0; i < n; i++) {
            if (probs[i] >= cutoff) { // tokens below this can never be inside the nucleus
                order[m++] = i;
            }
        }
        sortByProbDesc(order, m);
        double mass = 0;
        int keep = 0;
        while (keep < m) {
            mass += probs[order[keep++]];
            if (mass >= params.topP()) {
                break;
            }
        }
        double u = random.nextDouble() * mass;
        double acc = 0;
        for (int i = 0; i < keep; i++) {
            acc += probs[order[i]];
            if (u < acc) {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    private void sortByProbDesc(int[] a, int n) {
        quick(a, 0, n - 1);
    }

    private void quick(int[] a, int lo, int hi) {
        while (lo < hi) {
            float pivot = probs[a[(lo + hi) >>> 1]];
            int i = lo, j = hi;
            while (i <= j) {
                while (probs[a[i]] > pivot) {
                    i++;
                }
                while (probs[a[j]] < pivot) {
                    j--;
                }
                if (i <= j) {
                    int t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (j - lo < hi - i) {
                quick(a, lo, j);
                lo = i;
            } else {
                quick(a, i, hi);
                hi = j;
            }
        }
    }
}
