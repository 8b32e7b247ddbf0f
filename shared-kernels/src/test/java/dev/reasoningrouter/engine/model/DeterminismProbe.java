package dev.reasoningrouter.engine.model;

import dev.reasoningrouter.engine.TestModels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The computation {@link DeterminismTest} repeats under different JIT states: a prefill step (plain attention, the
 * two-row matrix kernel) followed by one-token decode steps (absorbed attention, the row-range kernel), every
 * position's logits concatenated. Also a {@code main} so that a child JVM (e.g. {@code -Xint}) can run it.
 */
public final class DeterminismProbe {
    private DeterminismProbe() {}

    /** Tokens every model here accepts (the smallest test vocabulary has 300 ids). */
    static final int[] TOKENS = {1, 17, 42, 99, 250, 7, 3};
    /** Rows of the prefill step; the rest are decoded one at a time. */
    static final int PREFILL = 4;

    static float[] logits(InferenceModel model) {
        int k = ExpertBudget.full(model.config()).experts();
        int vocab = model.config().vocabSize();
        float[] all = new float[TOKENS.length * vocab];
        try (LatentKvCache cache = model.newCache(TOKENS.length)) {
            float[][] rows = TestModels.step(model, cache, Arrays.copyOfRange(TOKENS, 0, PREFILL), k);
            for (int i = 0; i < PREFILL; i++) {
                System.arraycopy(rows[i], 0, all, i * vocab, vocab);
            }
            for (int i = PREFILL; i < TOKENS.length; i++) {
                float[][] row = TestModels.step(model, cache, new int[] {TOKENS[i]}, k);
                System.arraycopy(row[0], 0, all, i * vocab, vocab);
            }
        }
        return all;
    }

    /** {@code DeterminismProbe THREADS OUT_DIR MODEL...}: writes OUT_DIR/<i>.f32 (little-endian) for the i-th model. */
    public static void main(String[] args) throws IOException {
        int threads = Integer.parseInt(args[0]);
        Path out = Path.of(args[1]);
        System.out.println("lanes=" + FloatVector.SPECIES_PREFERRED.length());
        for (int i = 2; i < args.length; i++) {
            try (LoadedModel lm = ModelLoader.load(Path.of(args[i]), threads)) {
                float[] l = logits(lm.model());
                ByteBuffer b = ByteBuffer.allocate(4 * l.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(l);
                Files.write(out.resolve((i - 2) + ".f32"), b.array());
            }
        }
    }

    static float[] read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }
}
