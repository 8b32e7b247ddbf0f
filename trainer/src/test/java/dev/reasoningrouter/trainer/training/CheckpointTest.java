package dev.reasoningrouter.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reasoningrouter.engine.synth.SyntheticVocabulary;
import dev.reasoningrouter.trainer.data.DataRecipe;
import dev.reasoningrouter.trainer.nn.Gradients;
import dev.reasoningrouter.trainer.nn.Parameter;
import dev.reasoningrouter.trainer.nn.TrainableModel;
import dev.reasoningrouter.trainer.optim.AdamW;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @Test
    void aCheckpointRestoresTensorsOptimiserStateAndHeader(@TempDir Path dir) throws Exception {
        var config = ModelPresets.named("tiny", SyntheticVocabulary.generate(300));
        TrainableModel m = new TrainableModel(config);
        m.initialise(4);
        AdamW adam = new AdamW(m.parameters(), 0.9, 0.95, 1e-8, 0.05);
        Gradients g = new Gradients(m.parameters());
        for (Parameter p : m.parameters()) {
            if (p.trainable()) {
                g.of(p)[0] = 0.5f;
            }
        }
        adam.update(g, 1e-3);
        RunHeader header = new RunHeader("tiny", config, TrainingConfig.standard(10, 512, 3), DataRecipe.standard(1, 2, 256), 9, 1,
                512, 2.5, Double.NaN);
        Checkpoint.save(dir, header, m, adam);
        assertThat(Files.list(dir)).containsExactly(dir.resolve(Checkpoint.FILE)); // no temporary file left

        TrainableModel back = new TrainableModel(config);
        AdamW backAdam = new AdamW(back.parameters(), 0.9, 0.95, 1e-8, 0.05);
        RunHeader read = Checkpoint.restore(dir, back, backAdam);
        assertThat(read.step()).isEqualTo(1);
        assertThat(read.model()).isEqualTo(config);
        assertThat(read.training()).isEqualTo(header.training());
        assertThat(read.data().describe()).isEqualTo(header.data().describe());
        assertThat(read.lastLoss()).isNaN();
        assertThat(backAdam.step()).isEqualTo(1);
        for (Parameter p : m.parameters()) {
            Parameter q = back.parameter(p.name());
            assertThat(q.value()).as(p.name()).isEqualTo(p.value());
            if (p.trainable()) {
                assertThat(backAdam.firstMoment(q)).isEqualTo(adam.firstMoment(p));
                assertThat(backAdam.secondMoment(q)).isEqualTo(adam.secondMoment(p));
            }
        }
    }

    @Test
    void aFileThatIsNoCheckpointIsRefusedClearly(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(Checkpoint.FILE), "not a checkpoint");
        assertThatThrownBy(() -> Checkpoint.readHeader(dir)).hasMessageContaining("not a trainer checkpoint");
    }
}
