package dev.reasoningrouter.engine.cli;

import dev.reasoningrouter.engine.generate.Generator;
import dev.reasoningrouter.engine.kernels.cuda.CudaDeviceInfo;
import dev.reasoningrouter.engine.kernels.cpu.MemoryBandwidth;
import dev.reasoningrouter.engine.model.InferenceModel;
import dev.reasoningrouter.engine.model.LatentKvCache;
import dev.reasoningrouter.engine.model.LoadedModel;
import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.model.ModelStats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code bench}: prefill and decode tokens/s at each expert budget, the weight bytes a decoded token reads, and the
 * bandwidth that implies, against a memory-read rate measured on this machine with the same threads (CPU backend) or
 * the device's peak bandwidth from its memory clock and bus width (CUDA backend).
 */
final class Bench {
    private Bench() {}

    static void run(EngineCli cli, Args a) throws IOException {
        boolean json = a.flag("json");
        try (LoadedModel lm = cli.open(a)) {
            ModelConfig c = lm.config();
            int promptTokens = a.intOpt("prompt-tokens", 64);
            int decodeTokens = a.intOpt("decode-tokens", 32);
            int repeat = a.intOpt("repeat", 3);
            long memBytes = a.intOpt("memory-test-mb", 512) * (1L << 20);
            String only = a.get("experts");
            int threads = a.intOpt("threads", Runtime.getRuntime().availableProcessors());
            a.checkAllUsed();
            List<Integer> budgets = new ArrayList<>();
            if (only != null) {
                budgets.add(dev.reasoningrouter.engine.model.ExpertBudget.of(Integer.parseInt(only.trim()), c).experts());
            } else {
                for (int k = Math.max(1, c.numExpertsPerTok()); k >= 1; k--) {
                    budgets.add(k);
                }
            }
            ModelStats stats = new ModelStats(c, lm.weights());
            lm.prefault();
            // on a GPU the weights are read from device memory: compare with its peak, not with the host's
            Optional<CudaDeviceInfo> gpu = lm.backend().cuda() ? lm.backend().device() : Optional.empty();
            String memSource = gpu.map(d -> "peak of " + d.name() + " (memory clock x bus width)").orElse("host memory read, measured");
            double memRate = gpu.isPresent() ? gpu.get().peakBandwidthBytesPerSecond() : MemoryBandwidth.measure(threads, memBytes, 5);
            InferenceModel model = lm.model();
            int[] prompt = new SplittableRandom(1).ints(promptTokens, 0, c.vocabSize()).toArray();
            // warm-up: JIT-compile the kernels on a short run
            // warm-up over the same lengths as the measured runs: a code path first taken mid-measurement (say a longer
            // context) would deoptimise the compiled kernels, and the Vector API is slow until C2 recompiles them
            for (int k : budgets) {
                measure(model, prompt, decodeTokens, k);
            }
            // repetitions go round-robin over the budgets, best kept per budget: a burst of other work on a shared
            // machine then spoils one repetition of one budget rather than all of them
            double[][] best = new double[budgets.size()][3];
            for (int rep = 0; rep < repeat; rep++) {
                for (int i = 0; i < budgets.size(); i++) {
                    double[] x = measure(model, prompt, decodeTokens, budgets.get(i));
                    for (int j = 0; j < 3; j++) {
                        best[i][j] = Math.max(best[i][j], x[j]);
                    }
                }
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < budgets.size(); i++) {
                int k = budgets.get(i);
                double[] r = best[i];
                long bytes = stats.activeWeightBytes(k);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("experts", k);
                row.put("active_parameters", stats.activeParameters(k));
                row.put("active_weight_bytes", bytes);
                row.put("prefill_tokens_per_s", r[0]);
                row.put("decode_tokens_per_s", r[1]);
                row.put("decode_ms_per_token", 1000 / r[1]);
                // the median step is less disturbed by other processes preempting ours on a shared machine
                row.put("decode_tokens_per_s_median_step", r[2]);
                row.put("decode_weight_read_bytes_per_s", bytes * r[1]);
                row.put("fraction_of_memory_read_rate", bytes * r[1] / memRate);
                rows.add(row);
            }
            // the machine may be shared: measure the memory rate again afterwards and keep the higher figure
            if (gpu.isEmpty()) {
                memRate = Math.max(memRate, MemoryBandwidth.measure(threads, memBytes, 5));
            }
            for (Map<String, Object> row : rows) {
                row.put("fraction_of_memory_read_rate", (Double) row.get("decode_weight_read_bytes_per_s") / memRate);
                row.put("fraction_of_memory_read_rate_median_step",
                        (Long) row.get("active_weight_bytes") * (Double) row.get("decode_tokens_per_s_median_step") / memRate);
            }
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("model", lm.source());
            res.put("name", lm.description());
            res.put("synthetic", lm.isSynthetic());
            res.put("backend", model.backendName());
            res.put("backend_reason", lm.backend().reason());
            res.put("memory_rate_source", memSource);
            res.put("total_parameters", stats.totalParameters());
            res.put("memory_read_bytes_per_s", memRate);
            res.put("prompt_tokens", promptTokens);
            res.put("decode_tokens", decodeTokens);
            res.put("repeat_best_of", repeat);
            res.put("budgets", rows);
            if (json) {
                cli.out().println(EngineCli.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(res));
                return;
            }
            cli.out().printf("model %s%s%nbackend %s; memory-read rate %.2f GB/s (%s)%n", lm.source(),
                    lm.isSynthetic() ? " [random-weight test model]" : "", model.backendName(), memRate / 1e9, memSource);
            cli.out().printf("%-8s %14s %12s %12s %12s %10s %8s %14s %8s%n", "experts", "active params", "MB/token", "prefill t/s",
                    "decode t/s", "GB/s", "of mem", "median-step t/s", "of mem");
            for (Map<String, Object> row : rows) {
                cli.out().printf("%-8d %,14d %12.1f %12.1f %12.2f %10.2f %7.0f%% %14.2f %7.0f%%%n", row.get("experts"),
                        row.get("active_parameters"), ((Long) row.get("active_weight_bytes")) / 1e6, row.get("prefill_tokens_per_s"),
                        row.get("decode_tokens_per_s"), ((Double) row.get("decode_weight_read_bytes_per_s")) / 1e9,
                        100 * (Double) row.get("fraction_of_memory_read_rate"), row.get("decode_tokens_per_s_median_step"),
                        100 * (Double) row.get("fraction_of_memory_read_rate_median_step"));
            }
        }
    }

    /** {prefill tokens/s, decode tokens/s} for one budget; decode feeds back the argmax. */
    static double[] measure(InferenceModel model, int[] prompt, int decode, int k) {
        try (LatentKvCache cache = model.newCache(prompt.length + decode + 1)) {
            return measure(model, cache, prompt, decode, k);
        }
    }

    private static double[] measure(InferenceModel model, LatentKvCache cache, int[] prompt, int decode, int k) {
        long t0 = System.nanoTime();
        float[] last = null;
        for (int off = 0; off < prompt.length; off += Generator.PREFILL_CHUNK) {
            int n = Math.min(Generator.PREFILL_CHUNK, prompt.length - off);
            LatentKvCache[] caches = new LatentKvCache[n];
            Arrays.fill(caches, cache);
            int[] experts = new int[n];
            Arrays.fill(experts, k);
            boolean[] want = new boolean[n];
            want[n - 1] = true;
            last = model.forward(caches, Arrays.copyOfRange(prompt, off, off + n), n, experts, want)[n - 1];
        }
        long t1 = System.nanoTime();
        LatentKvCache[] caches = {cache};
        int[] tok = new int[1];
        int[] experts = {k};
        boolean[] want = {true};
        long[] steps = new long[decode];
        for (int i = 0; i < decode; i++) {
            tok[0] = argmax(last);
            long s0 = System.nanoTime();
            last = model.forward(caches, tok, 1, experts, want)[0];
            steps[i] = System.nanoTime() - s0;
        }
        long t2 = System.nanoTime();
        Arrays.sort(steps);
        double median = steps[decode / 2] / 1e9;
        return new double[] {prompt.length / ((t1 - t0) / 1e9), decode / ((t2 - t1) / 1e9), 1 / median};
    }

    static int argmax(float[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[b]) {
                b = i;
            }
        }
        return b;
    }
}
