package dev.reasoningrouter.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.engine.TestModels;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.synth.SyntheticVocabulary;
import dev.reasoningrouter.engine.tensor.GgmlType;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same model and tokens give the same logits bit for bit, however warm the JIT is and however the work was
 * spread over threads. The Vector API allows {@code reduceLanes(ADD)} to add lanes in any order and
 * {@code lanewise(EXP)} to differ from {@code Math.exp}; C2's intrinsics and the interpreter's Java fallbacks did
 * differ, so a fresh run and a warm one disagreed by a few ulp (up to ~3e-6 in a logit).
 */
class DeterminismTest {

    @TempDir
    Path dir;

    /** hidden 256, so that Q4_K and Q6_K rows go through their own vector kernels (the tiny preset's fall back). */
    private static SyntheticModel wide(long seed) {
        ModelConfig c = SyntheticModel.config(300, 256, 2, 2, 0, 32, 16, 8, 16, 256, 256, 4, 1, 2, 1,
                ModelConfig.Gating.SIGMOID, true, 2, 1, 4f, 64, 256);
        return new SyntheticModel("wide", c, seed, SyntheticVocabulary.generate(300));
    }

    /** Every weight type's dot kernel: F32, BF16, Q8_0 (single and paired rows), F16 and Q5_0 (a block at a time), Q4_K, Q6_K. */
    private Map<String, Path> models() {
        Map<String, Path> m = new LinkedHashMap<>();
        SyntheticModel tiny = TestModels.tinySigmoid(11);
        for (GgmlType t : List.of(GgmlType.Q8_0, GgmlType.F32, GgmlType.BF16, GgmlType.F16)) {
            m.put("tiny " + t, TestModels.writeGguf(tiny, t, dir)); // files are named by type: no clash
        }
        SyntheticModel wide = wide(12);
        for (GgmlType t : List.of(GgmlType.Q4_K, GgmlType.Q6_K)) {
            m.put("wide " + t, TestModels.writeGguf(wide, t, dir));
        }
        return m;
    }

    @Test
    void logitsWithoutC2EqualC2CompiledLogitsBitForBit() throws Exception {
        Map<String, Path> models = models();
        // this JVM: warm every model's kernels until C2 has compiled them, then compute
        List<float[]> compiled = new ArrayList<>();
        for (Map.Entry<String, Path> e : models.entrySet()) {
            try (LoadedModel lm = ModelLoader.load(e.getValue(), 2)) {
                warmUntilCompiled(lm.model(), e.getKey());
                compiled.add(DeterminismProbe.logits(lm.model()));
            }
        }
        // a child JVM without C2 (interpreter and C1 only): the Vector API runs its Java fallbacks, never intrinsics.
        // (-Xint works too, and failed the same way before the fix, but takes minutes here.)
        Path out = Files.createDirectories(dir.resolve("xint"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-preview", "--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), DeterminismProbe.class.getName(), "2", out.toString()));
        models.values().forEach(p -> cmd.add(p.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        // the same vector shape in both JVMs, or the comparison would be between two different algorithms
        assertThat(log).as(log).contains("lanes=" + FloatVector.SPECIES_PREFERRED.length());

        List<String> names = new ArrayList<>(models.keySet());
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            float[] interpreted = DeterminismProbe.read(out.resolve(i + ".f32"));
            String d = difference(compiled.get(i), interpreted);
            if (d != null) {
                differences.add(names.get(i) + ": " + d);
            }
        }
        assertThat(differences).as("C2-compiled against C1-only logits").isEmpty();
    }

    @Test
    void multiThreadedRunsAreBitIdenticalWhateverTheThreadCount() {
        // prefill rows go through the two-row kernel: with 3 workers the matrices split into chunks of odd sizes
        // unless chunks start on even rows; 3 workers on a 2-core machine also makes them steal from each other
        SyntheticModel m = TestModels.tinySigmoid(13);
        Path gguf = TestModels.writeGguf(m, GgmlType.Q8_0, dir);
        float[] reference = null;
        List<String> differences = new ArrayList<>();
        for (int threads : new int[] {2, 2, 1, 3, 4, 2}) {
            try (LoadedModel lm = ModelLoader.load(gguf, threads)) {
                for (int rep = 0; rep < 3; rep++) {
                    float[] l = DeterminismProbe.logits(lm.model());
                    if (reference == null) {
                        reference = l;
                    }
                    String d = difference(reference, l);
                    if (d != null) {
                        differences.add(threads + " threads, run " + rep + ": " + d);
                    }
                }
            }
        }
        assertThat(differences).as("against the first 2-thread run").isEmpty();
    }

    @Test
    void aSequenceDecodedInABatchGetsTheBitsItGetsAlone() {
        // one decode row alone goes through the row-range kernel, two rows in a step through the two-row kernel;
        // both must sum a row the same way, or a request's output would depend on what else was being served
        SyntheticModel m = TestModels.tinySigmoid(14);
        try (LoadedModel lm = ModelLoader.load(TestModels.writeGguf(m, GgmlType.Q8_0, dir), 2)) {
            InferenceModel model = lm.model();
            int k = TestModels.fullBudget(m);
            int[] a = {1, 17, 42, 99, 250};
            int[] b = {5, 6, 7, 8, 9};
            LatentKvCache aloneCache = model.newCache(8);
            LatentKvCache aCache = model.newCache(8);
            LatentKvCache bCache = model.newCache(8);
            TestModels.step(model, aloneCache, new int[] {a[0]}, k);
            TestModels.step(model, aCache, new int[] {a[0]}, k);
            TestModels.step(model, bCache, new int[] {b[0]}, k);
            List<String> differences = new ArrayList<>();
            for (int t = 1; t < a.length; t++) {
                float[] alone = TestModels.step(model, aloneCache, new int[] {a[t]}, k)[0];
                float[][] both = model.forward(new LatentKvCache[] {bCache, aCache}, new int[] {b[t], a[t]}, 2,
                        new int[] {k, k}, new boolean[] {true, true});
                String d = difference(alone, both[1]);
                if (d != null) {
                    differences.add("token " + t + ": " + d);
                }
            }
            assertThat(differences).as("sequence a decoded alone against a next to b in one step").isEmpty();
        }
    }

    /**
     * Runs decode steps until one allocates (almost) nothing on this thread: the Vector API allocates a box per
     * operation until C2 has compiled and intrinsified the code (see {@link DecodeAllocationTest}). Then repeats
     * the probe itself, so that the prefill-only code (plain attention, two-row kernel) is compiled too.
     */
    private static void warmUntilCompiled(InferenceModel model, String name) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        try (LatentKvCache cache = model.newCache(256)) {
            LatentKvCache[] caches = {cache};
            int[] tok = {1};
            int[] experts = {ExpertBudget.full(model.config()).experts()};
            boolean[] want = {true};
            for (int round = 0; round < 40 && best >= 256; round++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                int steps = 500;
                for (int i = 0; i < steps; i++) {
                    if (cache.length() > 200) {
                        cache.truncate(1);
                    }
                    tok[0] = (tok[0] * 31 + 7) % 290;
                    model.forward(caches, tok, 1, experts, want);
                }
                best = Math.min(best, (mx.getCurrentThreadAllocatedBytes() - before) / steps);
            }
        }
        assertThat(best).as(name + ": bytes allocated per warm decode step (the kernels are not C2-compiled yet?)").isLessThan(256);
        for (int i = 0; i < 300; i++) {
            DeterminismProbe.logits(model);
        }
    }

    /** null when {@code a} and {@code b} hold the same bits, else how many floats differ and by how much. */
    private static String difference(float[] a, float[] b) {
        if (a.length != b.length) {
            return "lengths " + a.length + " and " + b.length;
        }
        int count = 0;
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                count++;
                max = Math.max(max, Math.abs((double) a[i] - b[i]));
            }
        }
        return count == 0 ? null : count + " of " + a.length + " logits differ, max |diff| " + max;
    }
}
