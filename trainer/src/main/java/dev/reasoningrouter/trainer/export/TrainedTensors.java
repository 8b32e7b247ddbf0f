package dev.reasoningrouter.trainer.export;

import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.synth.DeepSeekTensors;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import dev.reasoningrouter.trainer.nn.TrainableModel;

/** A trained model as the engine's writers take it: its parameters under their Hugging Face names, its vocabulary. */
public record TrainedTensors(TrainableModel model, TokenizerVocabulary vocabulary, String name) implements DeepSeekTensors {

    @Override
    public ModelConfig config() {
        return model.config();
    }

    @Override
    public float[] tensor(String tensorName) {
        return model.parameter(tensorName).value().clone();
    }
}
