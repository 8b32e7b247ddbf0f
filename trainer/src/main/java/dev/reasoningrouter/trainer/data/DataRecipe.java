package dev.reasoningrouter.trainer.data;

import dev.reasoningrouter.trainer.tasks.Form;
import dev.reasoningrouter.trainer.tasks.Task;
import dev.reasoningrouter.trainer.tasks.TaskKind;
import java.util.Arrays;

/**
 * What the training stream is made of, all drawn from one seed: the weight of each task kind, each difficulty level
 * and each form, the distribution of the routed-expert budget k per sequence (index k-1), and the longest sequence
 * kept (longer draws are redrawn).
 */
public record DataRecipe(long seed, double[] kindWeights, double[] levelWeights, double[] formWeights,
                         double[] budgetWeights, int maxTokens) {

    public DataRecipe {
        check(kindWeights, TaskKind.values().length, "kind");
        check(levelWeights, Task.MAX_LEVEL, "level");
        check(formWeights, Form.values().length, "form");
        if (budgetWeights.length < 1) {
            throw new IllegalArgumentException("budget weights need at least k = 1");
        }
        check(budgetWeights, budgetWeights.length, "budget");
        if (maxTokens < 16) {
            throw new IllegalArgumentException("maxTokens must be at least 16, got " + maxTokens);
        }
        kindWeights = kindWeights.clone();
        levelWeights = levelWeights.clone();
        formWeights = formWeights.clone();
        budgetWeights = budgetWeights.clone();
    }

    /**
     * The shipped model's recipe: all kinds alike; harder levels more often (they need more practice); forms direct
     * 30 %, worked 42 %, critic 18 %, refine 10 %; the budget k uniform over 1..topK with the full top-k twice as
     * likely (the reasoning path's budget, and where routing learns the most).
     */
    public static DataRecipe standard(long seed, int topK, int maxTokens) {
        double[] budget = new double[topK];
        Arrays.fill(budget, 1.0);
        budget[topK - 1] = 2.0;
        return new DataRecipe(seed, new double[] {1, 1, 1, 1, 1, 1}, new double[] {0.15, 0.25, 0.3, 0.3},
                new double[] {0.30, 0.42, 0.18, 0.10}, budget, maxTokens);
    }

    private static void check(double[] w, int n, String what) {
        if (w == null || w.length != n) {
            throw new IllegalArgumentException(what + " weights: expected " + n + " values");
        }
        double sum = 0;
        for (double v : w) {
            if (v < 0 || Double.isNaN(v)) {
                throw new IllegalArgumentException(what + " weights must be non-negative");
            }
            sum += v;
        }
        if (sum <= 0) {
            throw new IllegalArgumentException(what + " weights must not all be zero");
        }
    }

    /** A human-readable summary for logs and the model card. */
    public String describe() {
        return "seed " + seed + ", kinds " + Arrays.toString(kindWeights) + ", levels " + Arrays.toString(levelWeights)
                + ", forms (direct, worked, critic, refine) " + Arrays.toString(formWeights) + ", budget k=1.." + budgetWeights.length
                + " " + Arrays.toString(budgetWeights) + ", at most " + maxTokens + " tokens per sequence";
    }
}
