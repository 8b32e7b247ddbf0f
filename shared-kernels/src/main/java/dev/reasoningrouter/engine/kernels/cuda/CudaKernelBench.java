package dev.reasoningrouter.engine.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jcuda.driver.CUevent;

/**
 * Kernel-level GPU bench: (1) dequantising mat-vec throughput per weight type over several GB of random weights,
 * as achieved bytes/s against the card's peak; (2) a synthetic DeepSeek-V2-Lite-shaped decode step (every layer's
 * attention and MoE kernels, random weights, batch 1) at each expert budget, as tokens/s and active bytes/s,
 * with the time split by kernel group.
 *
 * <pre>java --enable-preview --add-modules jdk.incubator.vector -cp ... dev.reasoningrouter.engine.kernels.cuda.CudaKernelBench
 *     [--gib 4] [--iters 20] [--peak-gbps 4800] [--types q8_0,q4_k,...] [--layers 27] [--context 1024]
 *     [--step-type q8_0] [--steps 20] [--shape v2-lite|tiny] [--out report.md]</pre>
 */
public final class CudaKernelBench {

    private final CudaKernels k;
    private final CudaDevice device;
    private final double peak;
    private final StringBuilder report = new StringBuilder();

    private CudaKernelBench(CudaKernels k, double peakBytesPerSecond) {
        this.k = k;
        this.device = k.device();
        this.peak = peakBytesPerSecond;
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opt = options(args);
        CudaProbe probe = CudaDevice.probe();
        if (!probe.available()) {
            System.err.println("CudaKernelBench: no CUDA device: " + probe.reason());
            System.exit(2);
        }
        try (CudaDevice device = CudaDevice.open(0); CudaModule module = CudaModule.load(device)) {
            double peak = opt.containsKey("peak-gbps") ? Double.parseDouble(opt.get("peak-gbps")) * 1e9 : nominalPeak(device.info());
            CudaKernelBench bench = new CudaKernelBench(new CudaKernels(module), peak);
            bench.line("## CUDA kernel bench");
            bench.line("");
            bench.line("- device: " + device.info().describe());
            bench.line("- PTX: " + module.resource() + "; " + KernelBuild.ofClasspath().describe());
            bench.line(String.format(Locale.ROOT, "- peak used for ratios: %.0f GB/s (%s)", peak / 1e9,
                    opt.containsKey("peak-gbps") ? "--peak-gbps" : "nominal for this card, else from clock x bus width"));
            bench.line("");
            List<CudaWeightType> types = new ArrayList<>();
            for (String t : opt.getOrDefault("types", "bf16,q8_0,q4_k,q6_k,fp8").split(",")) types.add(typeOf(t));
            bench.matvec(types, Double.parseDouble(opt.getOrDefault("gib", "4")), Integer.parseInt(opt.getOrDefault("iters", "20")));
            boolean tiny = "tiny".equals(opt.getOrDefault("shape", "v2-lite"));
            bench.decodeStep(tiny, typeOf(opt.getOrDefault("step-type", "q8_0")), Integer.parseInt(opt.getOrDefault("layers", tiny ? "2" : "27")),
                    Integer.parseInt(opt.getOrDefault("context", "1024")), Integer.parseInt(opt.getOrDefault("steps", "20")));
            if (opt.containsKey("out")) Files.writeString(Path.of(opt.get("out")), bench.report);
        }
    }

    /** H200 and H100 by name (their marketing peak); otherwise the attribute-based estimate. */
    static double nominalPeak(CudaDeviceInfo info) {
        String n = info.name().toUpperCase(Locale.ROOT);
        if (n.contains("H200")) return 4.8e12;
        if (n.contains("H100") && n.contains("SXM")) return 3.35e12;
        if (n.contains("H100")) return 2.0e12;
        if (n.contains("A100")) return info.totalMemoryBytes() > 60e9 ? 2.039e12 : 1.555e12;
        return info.peakBandwidthBytesPerSecond();
    }

    // ------------------------------------------------------------------ mat-vec bandwidth

    private void matvec(List<CudaWeightType> types, double gib, int iters) {
        line("### Mat-vec throughput (one matrix of ~" + gib + " GiB, cols 7168, random weights)");
        line("");
        line("| type | bytes | batch | time/launch (ms) | achieved GB/s | % of peak |");
        line("|---|---|---|---|---|---|");
        int cols = 7168;
        for (CudaWeightType t : types) {
            int fit = (int) Math.min(Integer.MAX_VALUE / 2, (long) (gib * (1L << 30)) / t.rowBytes(cols));
            int rows = fit - fit % 128;
            long bytes = rows * t.rowBytes(cols);
            DeviceBuffer w = device.allocate(bytes);
            DeviceBuffer s = t.hasBlockScales() ? device.allocateFloats(t.scaleCount(rows, cols)) : null;
            DeviceMatrix m = new DeviceMatrix(t, rows, cols, 1, w.whole(), s == null ? null : s.whole());
            k.fillRandom(m, 1234, 1e-3f);
            DeviceBuffer x = device.allocateFloats(8L * cols), y = device.allocateFloats(8L * rows);
            k.fill(x.whole(), 0.01f);
            for (int batch : new int[] {1, 8}) {
                double ms = time(iters, () -> k.matmul(m, x.whole(), cols, y.whole(), rows, batch, false));
                double gbps = m.bytes() / (ms / 1e3) / 1e9;
                line(String.format(Locale.ROOT, "| %s | %.2f GB | %d | %.3f | %.0f | %.1f%% |", t, m.bytes() / 1e9, batch, ms, gbps,
                        100 * gbps * 1e9 / peak));
            }
            w.close();
            if (s != null) s.close();
            x.close();
            y.close();
        }
        line("");
    }

    // ------------------------------------------------------------------ synthetic decode step

    /** DeepSeek-V2-Lite shapes: hidden 2048, 16 heads, kv_lora 512, rope 64, nope 128, v 128, 64 experts (top-6), 2 shared, vocab 102400. */
    private void decodeStep(boolean tiny, CudaWeightType type, int nLayers, int context, int steps) {
        // --shape tiny: a few-MB model with the same structure, to smoke-test the bench itself (e.g. on the CPU emulation)
        int hidden = tiny ? 256 : 2048, heads = tiny ? 4 : 16, kvRank = tiny ? 64 : 512, rope = tiny ? 32 : 64, nope = tiny ? 32 : 128;
        int vDim = nope, qDim = nope + rope;
        int experts = tiny ? 8 : 64, topK = tiny ? 3 : 6, moeInter = tiny ? 128 : 1408, sharedInter = 2 * moeInter;
        int denseInter = tiny ? 512 : 10944, vocab = tiny ? 512 : 102400;
        RopeYarn yarn = RopeYarn.yarn(rope, 10000f, 40f, 4096, 32f, 1f, 1f);
        MlaMoeShape shape = new MlaMoeShape(hidden, heads, 0, kvRank, rope, nope, vDim, vocab, experts, topK, moeInter, 1e-6f,
                (float) (1 / Math.sqrt(qDim)), yarn, MoeGating.softmax(false, 1f));
        List<DeviceBuffer> owned = new ArrayList<>();
        MatrixMaker mk = (rows, cols, groups, seed) -> {
            CudaWeightType tt = type.blockValues() > 1 && cols % type.blockValues() != 0 ? CudaWeightType.Q8_0 : type;
            DeviceBuffer d = device.allocate((long) groups * rows * tt.rowBytes(cols));
            DeviceBuffer sc = tt.hasBlockScales() ? device.allocateFloats((long) groups * tt.scaleCount(rows, cols)) : null;
            owned.add(d);
            if (sc != null) owned.add(sc);
            DeviceMatrix m = new DeviceMatrix(tt, rows, cols, groups, d.whole(), sc == null ? null : sc.whole());
            k.fillRandom(m, seed, 1e-3f);
            return m;
        };
        DeviceBuffer norms = device.allocateFloats((long) hidden + kvRank);
        owned.add(norms);
        k.fill(norms.whole(), 1f);
        DeviceSlice normH = norms.floats(0, hidden), normKv = norms.floats(hidden, kvRank);
        DeviceBuffer routers = device.allocateFloats((long) nLayers * experts * hidden);
        owned.add(routers);
        k.fill(routers.whole(), 1e-3f);
        List<DecoderLayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < nLayers; l++) {
            int seed = 100 + 20 * l;
            boolean dense = l == 0;
            DeviceMatrix router = dense ? null : new DeviceMatrix(CudaWeightType.F32, experts, hidden, 1,
                    routers.floats((long) l * experts * hidden, (long) experts * hidden), null);
            layers.add(new DecoderLayerWeights(normH, null, null, mk.make(heads * qDim, hidden, 1, seed), mk.make(kvRank + rope, hidden, 1, seed + 1),
                    normKv, mk.make(kvRank, nope, heads, seed + 2), mk.make(vDim, kvRank, heads, seed + 3), mk.make(hidden, heads * vDim, 1, seed + 4),
                    normH, router, null,
                    dense ? mk.make(denseInter, hidden, 1, seed + 6) : mk.make(moeInter, hidden, experts, seed + 6),
                    dense ? mk.make(denseInter, hidden, 1, seed + 7) : mk.make(moeInter, hidden, experts, seed + 7),
                    dense ? mk.make(hidden, denseInter, 1, seed + 8) : mk.make(hidden, moeInter, experts, seed + 8),
                    dense ? null : mk.make(sharedInter, hidden, 1, seed + 9), dense ? null : mk.make(sharedInter, hidden, 1, seed + 10),
                    dense ? null : mk.make(hidden, sharedInter, 1, seed + 11)));
        }
        DeviceMatrix embed = mk.make(vocab, hidden, 1, 1), lmHead = mk.make(vocab, hidden, 1, 2);
        try (CudaDecoder decoder = new CudaDecoder(k, shape, embed, layers, normH, lmHead, context)) {
            // Fill the cache up to the last position so that attention runs over `context` tokens.
            for (int p = 0; p < Math.min(context - 1, 8); p++) decoder.forward(42, p, topK);
            line("### Synthetic decode step (" + (tiny ? "tiny test shapes" : "DeepSeek-V2-Lite shapes") + ", " + nLayers + " layers, " + type + " weights, context " + context + ", batch 1)");
            line("");
            line("CudaDecoder.next() on random weights: per layer RMSNorm, q and kv_a projections, kv_norm and rotary into the latent cache, "
                    + "per-head absorption, split MLA attention over the whole context, output projection, routing, the routed and shared experts; "
                    + "then the LM head and argmax, with the id copied back each step. Active bytes = weights read per token at that budget. "
                    + "The split times the same kernels in groups (CUDA events).");
            line("");
            line("| experts/token | active weight bytes | ms/token | tokens/s | active GB/s | % of peak | attention ms | MoE+FFN ms | head ms |");
            line("|---|---|---|---|---|---|---|---|---|");
            int pos = context - 1;
            for (int budget = 1; budget <= topK; budget++) {
                int kk = budget;
                long active = decoder.activeBytes(kk);
                decoder.next(42, pos, kk, 0f, 1f, 0f);
                decoder.next(42, pos, kk, 0f, 1f, 0f);
                long t0 = System.nanoTime();
                for (int i = 0; i < steps; i++) decoder.next(42, pos, kk, 0f, 1f, 0f);
                double ms = (System.nanoTime() - t0) / 1e6 / steps;
                double attMs = time(steps, () -> decoder.attentionOnly(pos));
                double ffnMs = time(steps, () -> decoder.ffnOnly(kk));
                double headMs = time(steps, decoder::headOnly);
                double gbps = active / (ms / 1e3) / 1e9;
                line(String.format(Locale.ROOT, "| %d | %.2f GB | %.3f | %.1f | %.0f | %.1f%% | %.3f | %.3f | %.3f |", kk, active / 1e9, ms, 1e3 / ms,
                        gbps, 100 * gbps * 1e9 / peak, attMs, ffnMs, headMs));
            }
            line("");
            line(String.format(Locale.ROOT, "Latent cache: %d bytes per token (all layers, fp32).", decoder.cacheBytesPerToken()));
            line("");
        }
        owned.forEach(DeviceBuffer::close);
    }

    @FunctionalInterface
    interface MatrixMaker { DeviceMatrix make(int rows, int cols, int groups, int seed); }

    /** Mean milliseconds per run over {@code iters} runs after two warm-up runs, timed with CUDA events. */
    private double time(int iters, Runnable r) {
        r.run();
        r.run();
        device.synchronize();
        CUevent start = new CUevent(), stop = new CUevent();
        cuEventCreate(start, 0);
        cuEventCreate(stop, 0);
        cuEventRecord(start, null);
        for (int i = 0; i < iters; i++) r.run();
        cuEventRecord(stop, null);
        cuEventSynchronize(stop);
        float[] ms = new float[1];
        cuEventElapsedTime(ms, start, stop);
        cuEventDestroy(start);
        cuEventDestroy(stop);
        return ms[0] / iters;
    }

    private void line(String s) {
        System.out.println(s);
        report.append(s).append('\n');
    }

    static CudaWeightType typeOf(String s) {
        for (CudaWeightType t : CudaWeightType.values()) if (t.suffix().equalsIgnoreCase(s.trim()) || t.name().equalsIgnoreCase(s.trim())) return t;
        throw new IllegalArgumentException("unknown weight type '" + s + "': expected one of f32, f16, bf16, q8_0, q4_k, q6_k, fp8");
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("expected --name value pairs, got: " + String.join(" ", args));
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }
}
