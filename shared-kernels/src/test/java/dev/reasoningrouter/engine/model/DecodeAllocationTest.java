package dev.reasoningrouter.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.engine.TestModels;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.tensor.GgmlType;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Once warmed up, a decode step allocates (almost) nothing on the driving thread. */
class DecodeAllocationTest {

    @TempDir
    Path dir;

    @Test
    void warmDecodeStepsDoNotAllocatePerToken() {
        SyntheticModel m = TestModels.tinySigmoid(31);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (LoadedModel lm = ModelLoader.load(TestModels.writeGguf(m, GgmlType.Q8_0, dir), 2)) {
            InferenceModel model = lm.model();
            LatentKvCache cache = model.newCache(4096);
            LatentKvCache[] caches = {cache};
            int[] tok = {508};
            int[] experts = {2};
            boolean[] want = {true};
            // Before C2 has compiled the kernels the Vector API allocates; measure rounds until it settles
            // (how long that takes depends on the machine's load), then require (almost) no allocation per step.
            long best = Long.MAX_VALUE;
            for (int round = 0; round < 40 && best >= 256; round++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                int steps = 1000;
                for (int i = 0; i < steps; i++) {
                    if (cache.length() > 1000) {
                        cache.truncate(1);
                    }
                    tok[0] = (tok[0] * 31 + 7) % 500;
                    model.forward(caches, tok, 1, experts, want);
                }
                best = Math.min(best, (mx.getCurrentThreadAllocatedBytes() - before) / steps);
            }
            System.out.println("bytes allocated per warm decode step on the driving thread: " + best);
            assertThat(best).isLessThan(256);
        }
    }
}
