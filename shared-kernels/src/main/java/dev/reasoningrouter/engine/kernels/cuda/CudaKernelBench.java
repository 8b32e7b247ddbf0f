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
 *     [--step-type q8_0] [--steps 20] [--out report.md]</pre>
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
            bench.decodeStep(typeOf(opt.getOrDefault("step-type", "q8_0")), Integer.parseInt(opt.getOrDefault("layers", "27")),
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
    private void decodeStep(CudaWeightType type, int layers, int context, int steps) {
        int hidden = 2048, heads = 16, kvRank = 512, rope = 64, nope = 128, vDim = 128, qDim = nope + rope;
        int experts = 64, topK = 6, moeInter = 1408, sharedInter = 2 * moeInter, denseInter = 10944, vocab = 102400;
        int ld = kvRank + rope;
        List<AutoCloseable> owned = new ArrayList<>();
        MatrixMaker mk = (rows, cols, groups, seed) -> {
            CudaWeightType tt = type.blockValues() > 1 && cols % type.blockValues() != 0 ? CudaWeightType.Q8_0 : type;
            DeviceBuffer d = device.allocate((long) groups * rows * tt.rowBytes(cols));
            DeviceBuffer s = tt.hasBlockScales() ? device.allocateFloats((long) groups * tt.scaleCount(rows, cols)) : null;
            owned.add(d);
            if (s != null) owned.add(s);
            DeviceMatrix m = new DeviceMatrix(tt, rows, cols, groups, d.whole(), s == null ? null : s.whole());
            k.fillRandom(m, seed, 1e-3f);
            return m;
        };
        DeviceBuffer norms = device.allocateFloats(4L * hidden + kvRank);
        owned.add(norms);
        k.fill(norms.whole(), 1f);
        DeviceSlice normH = norms.floats(0, hidden), normKv = norms.floats(hidden, kvRank);
        DeviceMatrix embed = mk.make(vocab, hidden, 1, 1), lmHead = mk.make(vocab, hidden, 1, 2);
        List<Layer> stack = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            int seed = 100 + 20 * l;
            boolean dense = l == 0;
            stack.add(new Layer(mk.make(heads * qDim, hidden, 1, seed), mk.make(ld, hidden, 1, seed + 1),
                    mk.make(kvRank, nope, heads, seed + 2), mk.make(vDim, kvRank, heads, seed + 3), mk.make(hidden, heads * vDim, 1, seed + 4),
                    dense ? null : mk.make(experts, hidden, 1, seed + 5),
                    dense ? mk.make(denseInter, hidden, 1, seed + 6) : mk.make(moeInter, hidden, experts, seed + 6),
                    dense ? mk.make(denseInter, hidden, 1, seed + 7) : mk.make(moeInter, hidden, experts, seed + 7),
                    dense ? mk.make(hidden, denseInter, 1, seed + 8) : mk.make(hidden, moeInter, experts, seed + 8),
                    dense ? null : mk.make(sharedInter, hidden, 1, seed + 9), dense ? null : mk.make(sharedInter, hidden, 1, seed + 10),
                    dense ? null : mk.make(hidden, sharedInter, 1, seed + 11), device.allocateFloats((long) context * ld)));
        }
        for (Layer l : stack) { owned.add(l.cache); k.fill(l.cache.whole(), 0.01f); }
        DeviceBuffer act = device.allocateFloats(4L * hidden + heads * qDim + 2L * heads * kvRank + heads * vDim + 64 + 2L * denseInter
                + (long) topK * moeInter + vocab + 64);
        owned.add(act);
        act.zero();
        Scratch sc = new Scratch(act, hidden, heads, qDim, kvRank, vDim, denseInter, topK, moeInter, vocab);
        DeviceBuffer ints = device.allocate(4L * 64);
        owned.add(ints);
        ints.upload(new int[] {42, context - 1});
        DeviceSlice token = ints.slice(0, 4), position = ints.slice(4, 4), experts64 = ints.slice(64, 4L * topK), ids = ints.slice(128, 4);
        MlaWorkspace ws = MlaWorkspace.allocate(device, heads, kvRank, 64);
        owned.add(ws);
        RopeYarn yarn = RopeYarn.yarn(rope, 10000f, 40f, 4096, 32f, 1f, 1f);
        float scale = (float) (1 / Math.sqrt(qDim));

        line("### Synthetic decode step (DeepSeek-V2-Lite shapes, " + layers + " layers, " + type + " weights, context " + context + ", batch 1)");
        line("");
        line("Random weights; every layer runs RMSNorm, q and kv_a projections, kv_norm and rotary into the latent cache, "
                + "per-head absorption, split MLA attention, output projection, routing, the routed and shared experts; then the LM head and argmax. "
                + "Active bytes = weights read per token at that budget.");
        line("");
        line("| experts/token | active weight bytes | ms/token | tokens/s | active GB/s | % of peak | attention ms | MoE+FFN ms | head ms |");
        line("|---|---|---|---|---|---|---|---|---|");
        for (int budget = 1; budget <= topK; budget++) {
            int kk = budget;
            long active = embed.type().rowBytes(hidden) + lmHead.bytes();
            for (Layer l : stack) active += l.activeBytes(kk);
            Runnable attention = () -> { for (Layer l : stack) l.attention(k, sc, normH, normKv, position, yarn, context, scale, ws); };
            Runnable ffn = () -> { for (Layer l : stack) l.ffn(k, sc, normH, experts64, kk); };
            Runnable head = () -> {
                k.rmsNorm(sc.x, hidden, normH, sc.xn, hidden, 1, hidden, 1e-6f);
                k.matmul(lmHead, sc.xn, hidden, sc.logits, vocab, 1, false);
                k.argmax(sc.logits, vocab, vocab, 1, ids, null);
            };
            Runnable step = () -> { k.embed(embed, token, 1, sc.x, hidden); attention.run(); ffn.run(); head.run(); };
            double ms = time(steps, step);
            double attMs = time(steps, attention), ffnMs = time(steps, ffn), headMs = time(steps, head);
            double gbps = active / (ms / 1e3) / 1e9;
            line(String.format(Locale.ROOT, "| %d | %.2f GB | %.3f | %.1f | %.0f | %.1f%% | %.3f | %.3f | %.3f |", kk, active / 1e9, ms, 1e3 / ms,
                    gbps, 100 * gbps * 1e9 / peak, attMs, ffnMs, headMs));
        }
        line("");
        for (AutoCloseable c : owned) {
            try { c.close(); } catch (Exception e) { throw new IllegalStateException(e); }
        }
    }

    @FunctionalInterface
    interface MatrixMaker { DeviceMatrix make(int rows, int cols, int groups, int seed); }

    /** Activation scratch carved from one buffer (every piece 16-byte aligned). */
    static final class Scratch {
        final DeviceSlice x, xn, q, qLat, oLat, o, routerLogits, h, hShared, logits;
        final DeviceSlice weights;
        final int hidden, heads, qDim, kvRank, vDim, moeInter, sharedInter, vocab;

        Scratch(DeviceBuffer b, int hidden, int heads, int qDim, int kvRank, int vDim, int denseInter, int topK, int moeInter, int vocab) {
            this.hidden = hidden; this.heads = heads; this.qDim = qDim; this.kvRank = kvRank; this.vDim = vDim;
            this.moeInter = moeInter; this.sharedInter = 2 * moeInter; this.vocab = vocab;
            long at = 0;
            x = b.floats(at, hidden); at += hidden;
            xn = b.floats(at, hidden); at += hidden;
            q = b.floats(at, (long) heads * qDim); at += (long) heads * qDim;
            qLat = b.floats(at, (long) heads * kvRank); at += (long) heads * kvRank;
            oLat = b.floats(at, (long) heads * kvRank); at += (long) heads * kvRank;
            o = b.floats(at, (long) heads * vDim); at += (long) heads * vDim;
            routerLogits = b.floats(at, 64); at += 64;
            h = b.floats(at, Math.max(denseInter, (long) topK * moeInter)); at += Math.max(denseInter, (long) topK * moeInter);
            hShared = b.floats(at, denseInter); at += denseInter;
            weights = b.floats(at, 16); at += 16;
            logits = b.floats(at, vocab);
        }
    }

    record Layer(DeviceMatrix qProj, DeviceMatrix kvA, DeviceMatrix kB, DeviceMatrix vB, DeviceMatrix oProj, DeviceMatrix router,
                 DeviceMatrix gate, DeviceMatrix up, DeviceMatrix down, DeviceMatrix sharedGate, DeviceMatrix sharedUp,
                 DeviceMatrix sharedDown, DeviceBuffer cache) {

        long activeBytes(int k) {
            long b = qProj.bytes() + kvA.bytes() + kB.bytes() + vB.bytes() + oProj.bytes();
            if (router == null) return b + gate.bytes() + up.bytes() + down.bytes();
            return b + router.bytes() + (long) k * (gate.groupBytes() + up.groupBytes() + down.groupBytes())
                    + sharedGate.bytes() + sharedUp.bytes() + sharedDown.bytes();
        }

        void attention(CudaKernels k, Scratch s, DeviceSlice norm, DeviceSlice kvNorm, DeviceSlice position, RopeYarn yarn, int context,
                       float scale, MlaWorkspace ws) {
            int hidden = s.hidden, ld = kvA.rows(), kvRank = s.kvRank, rope = ld - kvRank, nope = s.qDim - rope;
            DeviceSlice row = cache.floats((long) (context - 1) * ld, ld);
            k.rmsNorm(s.x, hidden, norm, s.xn, hidden, 1, hidden, 1e-6f);
            k.matmul(qProj, s.xn, hidden, s.q, s.heads * s.qDim, 1, false);
            k.matmul(kvA, s.xn, hidden, row, ld, 1, false);
            k.rmsNorm(row, ld, kvNorm, row, ld, 1, kvRank, 1e-6f);
            k.rope(row.floats(kvRank, rope), ld, 0, 1, 1, rope, position, yarn);
            k.rope(s.q.floats(nope, (long) s.heads * s.qDim - nope), s.heads * s.qDim, s.qDim, 1, s.heads, rope, position, yarn);
            k.groupedMatmul(kB, s.q, 0, s.qDim, s.qLat, 0, kvRank, 1, false);
            k.mlaDecode(s.qLat, kvRank, s.q.floats(nope, (long) s.heads * s.qDim - nope), s.qDim, cache.whole(), ld, context, s.heads,
                    kvRank, rope, scale, ws, s.oLat, kvRank);
            k.groupedMatmul(vB, s.oLat, 0, kvRank, s.o, 0, s.vDim, 1, false);
            k.matmul(oProj, s.o, s.heads * s.vDim, s.x, hidden, 1, true);
        }

        void ffn(CudaKernels k, Scratch s, DeviceSlice norm, DeviceSlice experts, int budget) {
            int hidden = s.hidden;
            k.rmsNorm(s.x, hidden, norm, s.xn, hidden, 1, hidden, 1e-6f);
            if (router == null) {
                k.ffnGateUp(gate, up, s.xn, hidden, s.h, gate.rows(), 1);
                k.matmul(down, s.h, down.cols(), s.x, hidden, 1, true);
                return;
            }
            k.matmul(router, s.xn, hidden, s.routerLogits, router.rows(), 1, false);
            k.moeGate(s.routerLogits, router.rows(), null, router.rows(), MoeGating.softmax(false, 1f), budget, 1, experts, s.weights);
            k.moeGateUp(gate, up, s.xn, hidden, experts, budget, 1, s.h, gate.rows());
            k.moeDown(down, s.h, gate.rows(), experts, s.weights, budget, 1, s.x, hidden, true);
            k.ffnGateUp(sharedGate, sharedUp, s.xn, hidden, s.hShared, sharedGate.rows(), 1);
            k.matmul(sharedDown, s.hShared, sharedDown.cols(), s.x, hidden, 1, true);
        }
    }

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
