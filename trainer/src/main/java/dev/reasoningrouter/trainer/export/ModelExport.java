package dev.reasoningrouter.trainer.export;

import dev.reasoningrouter.engine.synth.SyntheticGgufWriter;
import dev.reasoningrouter.engine.synth.SyntheticSafetensorsWriter;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabularies;
import dev.reasoningrouter.trainer.nn.TrainableModel;
import dev.reasoningrouter.trainer.training.Checkpoint;
import dev.reasoningrouter.trainer.training.RunHeader;
import dev.reasoningrouter.trainer.training.Trainer;
import dev.reasoningrouter.trainer.vocab.VocabularyJson;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a trained model in the forms the engine serves: a llama.cpp {@code deepseek2} GGUF carrying its tokenizer,
 * and a Hugging Face safetensors checkpoint directory with {@code config.json}, {@code tokenizer.json} and
 * {@code tokenizer_config.json}. Both go through the engine's own writers, so the files are laid out exactly as the
 * engine (and llama.cpp) read them.
 */
public final class ModelExport {
    private ModelExport() {}

    /** The trained model of a run folder at its last checkpoint. */
    public static TrainedTensors fromRun(Path runDir) throws IOException {
        RunHeader header = Checkpoint.readHeader(runDir);
        TrainableModel model = new TrainableModel(header.model());
        Checkpoint.restore(runDir, model, null);
        return new TrainedTensors(model, VocabularyJson.read(runDir.resolve(Trainer.VOCAB_FILE)), name(header));
    }

    /** The model's name in its files; unlike a random-weight test model's, it carries no warning marker. */
    public static String name(RunHeader h) {
        return "rr-tasks-" + h.preset() + " (Reasoning Router's own DeepSeek-V3-architecture model, trained on generated "
                + "arithmetic and logic tasks; seed " + h.vocabSeed() + ", step " + h.step() + ")";
    }

    public static void gguf(TrainedTensors t, GgmlType type, Path out) throws IOException {
        SyntheticGgufWriter.write(t, type, out);
    }

    public static void safetensors(TrainedTensors t, GgmlType type, Path dir) throws IOException {
        SyntheticSafetensorsWriter.write(t, type, dir);
        TokenizerVocabularies.writeHuggingFace(t.vocabulary(), dir);
    }
}
