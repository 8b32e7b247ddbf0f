package dev.reasoningrouter.trainer.data;

import dev.reasoningrouter.trainer.tasks.Corruptions;
import dev.reasoningrouter.trainer.tasks.Form;
import dev.reasoningrouter.trainer.tasks.Forms;
import dev.reasoningrouter.trainer.tasks.Task;
import dev.reasoningrouter.trainer.tasks.TaskGenerator;
import dev.reasoningrouter.trainer.tasks.TaskKind;
import java.util.SplittableRandom;

/**
 * Draws training examples by a {@link DataRecipe}: kind, level and form by their weights, a task from the training
 * slice (never a held-out question), and for critic items a correct or corrupted candidate answer (half each), for
 * refine items a corrupted draft with a reviewer score below one half.
 */
public final class ExampleSampler {
    private final DataRecipe recipe;

    public ExampleSampler(DataRecipe recipe) {
        this.recipe = recipe;
    }

    public DataRecipe recipe() {
        return recipe;
    }

    public Example next(SplittableRandom rnd) {
        TaskKind kind = TaskKind.values()[pick(recipe.kindWeights(), rnd)];
        int level = Task.MIN_LEVEL + pick(recipe.levelWeights(), rnd);
        Form form = Form.values()[pick(recipe.formWeights(), rnd)];
        int experts = 1 + pick(recipe.budgetWeights(), rnd);
        Task task = TaskGenerator.training(kind, level, rnd);
        return new Example(task, form, switch (form) {
            case DIRECT -> Forms.direct(task);
            case WORKED -> Forms.worked(task);
            case CRITIC -> Forms.critic(task, rnd.nextBoolean() ? task.answer() : Corruptions.wrongAnswer(task, rnd));
            case REFINE -> Forms.refine(task, Corruptions.wrongAnswer(task, rnd), 0.01 + 0.48 * rnd.nextDouble(),
                    rnd.nextBoolean() ? Forms.REJECT : "");
        }, experts);
    }

    static int pick(double[] weights, SplittableRandom rnd) {
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        double x = rnd.nextDouble() * sum;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
