package dev.reasoningrouter.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.reasoningrouter.engine.TestModels;
import dev.reasoningrouter.engine.model.LoadedModel;
import dev.reasoningrouter.engine.model.ModelLoader;
import dev.reasoningrouter.engine.reference.ReferenceDeepSeek;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.tensor.GgmlType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerplexityTest {

    @TempDir
    Path dir;

    @Test
    void meanNllMatchesTheReferenceAndWindowsRestartTheContext() {
        SyntheticModel m = TestModels.tinySigmoid(41);
        int[] tokens = new int[70]; // longer than one prefill chunk
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 37 + 11) % 500;
        }
        double[][] ref = new ReferenceDeepSeek(m).logits(tokens, 2);
        double nll = 0;
        for (int i = 0; i + 1 < tokens.length; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (double v : ref[i]) {
                max = Math.max(max, v);
            }
            for (double v : ref[i]) {
                sum += Math.exp(v - max);
            }
            nll -= ref[i][tokens[i + 1]] - max - Math.log(sum);
        }
        nll /= tokens.length - 1;
        try (LoadedModel lm = ModelLoader.load(TestModels.writeGguf(m, GgmlType.F32, dir), 2)) {
            double[] r = Perplexity.meanNll(lm.model(), tokens, 512, 2);
            assertThat(r[1]).isEqualTo(tokens.length - 1);
            assertThat(r[0]).isCloseTo(nll, within(1e-4));
            double[] windowed = Perplexity.meanNll(lm.model(), tokens, 16, 2);
            assertThat(windowed[1]).isEqualTo(tokens.length - 5); // one unscored first token per window of 16
            assertThat(windowed[0]).isNotCloseTo(r[0], within(1e-6));
        }
    }
}
