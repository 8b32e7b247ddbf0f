package dev.reasoningrouter.trainer.training;

import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.trainer.data.DataRecipe;

/**
 * Everything about a run except its tensors: the model shape (and the preset it came from), the optimisation
 * settings, the data recipe, and how far it got.
 *
 * @param step       optimiser steps done
 * @param tokensSeen tokens run through the model so far
 * @param seconds    training time so far (wall clock, over all sessions)
 * @param lastLoss   the mean training loss over the last logging interval
 */
public record RunHeader(String preset, ModelConfig model, TrainingConfig training, DataRecipe data, long vocabSeed,
                        int step, long tokensSeen, double seconds, double lastLoss) {

    public RunHeader advanced(int newStep, long newTokens, double newSeconds, double loss) {
        return new RunHeader(preset, model, training, data, vocabSeed, newStep, newTokens, newSeconds, loss);
    }

    public RunHeader withTraining(TrainingConfig t) {
        return new RunHeader(preset, model, t, data, vocabSeed, step, tokensSeen, seconds, lastLoss);
    }
}
