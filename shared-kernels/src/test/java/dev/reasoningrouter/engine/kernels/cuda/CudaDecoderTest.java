package dev.reasoningrouter.engine.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole GPU decode step (absorbed MLA over the device latent cache, MoE, LM head) against a naive float64
 * forward pass written in the plain, non-absorbed form: per-head keys and values rebuilt from the latent, every
 * position attended, routing by the reference gate. Tiny random models; skipped without a CUDA device.
 */
class CudaDecoderTest {

    private static CudaDevice device;
    private static CudaModule module;
    private static CudaKernels kernels;
    private static String unavailable;
    private final List<DeviceBuffer> buffers = new ArrayList<>();

    @BeforeAll
    static void open() {
        CudaProbe probe = CudaDevice.probe();
        if (!probe.available()) {
            unavailable = "no CUDA device: " + probe.reason();
            return;
        }
        device = CudaDevice.open(0);
        module = CudaModule.load(device);
        kernels = new CudaKernels(module);
    }

    @BeforeEach
    void needsDevice() {
        assumeTrue(kernels != null, () -> unavailable);
    }

    @AfterAll
    static void close() {
        if (module != null) module.close();
        if (device != null) device.close();
    }

    /** A tiny model: 2 layers (dense, then MoE with 8 experts, top-3, one shared expert). */
    @ParameterizedTest(name = "{0}, q-LoRA {1}, sigmoid gating {2}")
    @CsvSource({"F32, 0, false", "F32, 128, true", "BF16, 0, true", "Q8_0, 128, false"})
    void decodeStepLogitsMatchTheNaiveForward(CudaWeightType type, int qLora, boolean sigmoid) {
        int hidden = 256, heads = 4, kvRank = 64, rope = 32, nope = 32, vDim = 32, vocab = 512, experts = 8, topK = 3;
        int moeInter = 128, denseInter = 256;
        RopeYarn yarn = RopeYarn.yarn(rope, 10000f, 4f, 64, 32f, 1f, 1f);
        MoeGating gating = sigmoid ? new MoeGating(true, 4, 2, true, true, 2f) : MoeGating.softmax(false, 1f);
        float scale = (float) (1 / Math.sqrt(nope + rope));
        MlaMoeShape shape = new MlaMoeShape(hidden, heads, qLora, kvRank, rope, nope, vDim, vocab, experts, topK, moeInter, 1e-6f, scale, yarn, gating);
        Random rnd = new Random(1000 + qLora);
        Model m = new Model(type, shape, denseInter, rnd);
        try (CudaDecoder gpu = new CudaDecoder(kernels, shape, m.embed.dev, m.layerWeights(), m.outNorm.slice, m.lmHead.dev, 16)) {
            Reference ref = new Reference(m);
            int[] tokens = {3, 77, 500, 3, 12, 256};
            for (int budget : new int[] {topK, 1}) {
                for (int pos = 0; pos < tokens.length; pos++) {
                    gpu.forward(tokens[pos], pos, budget);
                    float[] got = gpu.logits();
                    double[] want = ref.forward(tokens[pos], pos, budget);
                    double lo = Arrays.stream(want).min().orElseThrow(), hi = Arrays.stream(want).max().orElseThrow();
                    double maxDiff = 0;
                    for (int i = 0; i < vocab; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
                    assertThat(maxDiff).as("%s budget %d position %d: max |gpu - ref| vs logit range %.3f", type, budget, pos, hi - lo)
                            .isLessThanOrEqualTo(1e-3 * (hi - lo));
                }
                ref.reset();
            }
            CudaDecoder.Next greedy = gpu.next(tokens[0], 0, topK, 0f, 1f, 0f);
            double[] want = ref.forward(tokens[0], 0, topK);
            int best = 0;
            for (int i = 1; i < vocab; i++) if (want[i] > want[best]) best = i;
            assertThat(greedy.token()).isEqualTo(best);
        } finally {
            buffers.forEach(DeviceBuffer::close);
        }
    }

    // ------------------------------------------------------------------ test model

    final class W {
        final float[] w;
        final DeviceMatrix dev;
        final int rows, cols, groups;

        W(CudaWeightType type, int rows, int cols, int groups, float sigma, Random rnd) {
            this.rows = rows; this.cols = cols; this.groups = groups;
            CudaWeightType t = cols % type.blockValues() == 0 ? type : CudaWeightType.F32;
            w = new float[groups * rows * cols];
            byte[] all = new byte[(int) (groups * rows * t.rowBytes(cols))];
            List<Float> scales = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                float[] part = new float[rows * cols];
                for (int i = 0; i < part.length; i++) part[i] = (float) (rnd.nextGaussian() * sigma);
                byte[] enc = WeightCodec.encode(t, part, rows, cols);
                float[] sc = t.hasBlockScales() ? WeightCodec.fp8Scales(part, rows, cols) : null;
                if (sc != null) for (float f : sc) scales.add(f);
                System.arraycopy(enc, 0, all, g * enc.length, enc.length);
                System.arraycopy(WeightCodec.decodeAll(t, enc, rows, cols, sc), 0, w, g * rows * cols, rows * cols);
            }
            float[] sc = new float[scales.size()];
            for (int i = 0; i < sc.length; i++) sc[i] = scales.get(i);
            dev = DeviceMatrix.upload(device, t, rows, cols, groups, MemorySegment.ofArray(all), t.hasBlockScales() ? MemorySegment.ofArray(sc) : null);
            buffers.add(dev.data().buffer());
            if (dev.scales() != null) buffers.add(dev.scales().buffer());
        }

        double[] mul(int group, double[] x) {
            double[] y = new double[rows];
            int base = group * rows * cols;
            for (int r = 0; r < rows; r++) {
                double s = 0;
                for (int c = 0; c < cols; c++) s += w[base + r * cols + c] * x[c];
                y[r] = s;
            }
            return y;
        }
    }

    final class V {
        final float[] v;
        final DeviceSlice slice;

        V(int n, Random rnd, float center, float sigma) {
            v = new float[n];
            for (int i = 0; i < n; i++) v[i] = (float) (center + rnd.nextGaussian() * sigma);
            DeviceBuffer b = device.allocateFloats(n);
            b.upload(v);
            buffers.add(b);
            slice = b.whole();
        }
    }

    final class Layer {
        V attnNorm, qANorm, kvNorm, ffnNorm, bias;
        W qA, q, kvA, kB, vB, out, router, gate, up, down, sGate, sUp, sDown;
    }

    final class Model {
        final MlaMoeShape s;
        final W embed, lmHead;
        final V outNorm;
        final List<Layer> layers = new ArrayList<>();

        Model(CudaWeightType type, MlaMoeShape s, int denseInter, Random rnd) {
            this.s = s;
            embed = new W(type, s.vocab(), s.hidden(), 1, 1f, rnd);
            for (int l = 0; l < 2; l++) {
                Layer L = new Layer();
                L.attnNorm = new V(s.hidden(), rnd, 1f, 0.1f);
                if (s.qLoraRank() > 0) {
                    L.qA = new W(type, s.qLoraRank(), s.hidden(), 1, 0.06f, rnd);
                    L.qANorm = new V(s.qLoraRank(), rnd, 1f, 0.1f);
                    L.q = new W(type, s.heads() * s.qDim(), s.qLoraRank(), 1, 0.09f, rnd);
                } else {
                    L.q = new W(type, s.heads() * s.qDim(), s.hidden(), 1, 0.06f, rnd);
                }
                L.kvA = new W(type, s.cacheRow(), s.hidden(), 1, 0.06f, rnd);
                L.kvNorm = new V(s.kvRank(), rnd, 1f, 0.1f);
                L.kB = new W(type, s.kvRank(), s.nopeDim(), s.heads(), 0.15f, rnd);
                L.vB = new W(type, s.vDim(), s.kvRank(), s.heads(), 0.12f, rnd);
                L.out = new W(type, s.hidden(), s.heads() * s.vDim(), 1, 0.08f, rnd);
                L.ffnNorm = new V(s.hidden(), rnd, 1f, 0.1f);
                if (l == 0) {
                    L.gate = new W(type, denseInter, s.hidden(), 1, 0.06f, rnd);
                    L.up = new W(type, denseInter, s.hidden(), 1, 0.06f, rnd);
                    L.down = new W(type, s.hidden(), denseInter, 1, 0.06f, rnd);
                } else {
                    L.router = new W(CudaWeightType.F32, s.experts(), s.hidden(), 1, 0.1f, rnd);
                    L.bias = s.gating().sigmoid() ? new V(s.experts(), rnd, 0f, 0.05f) : null;
                    L.gate = new W(type, s.moeInter(), s.hidden(), s.experts(), 0.06f, rnd);
                    L.up = new W(type, s.moeInter(), s.hidden(), s.experts(), 0.06f, rnd);
                    L.down = new W(type, s.hidden(), s.moeInter(), s.experts(), 0.08f, rnd);
                    L.sGate = new W(type, s.moeInter(), s.hidden(), 1, 0.06f, rnd);
                    L.sUp = new W(type, s.moeInter(), s.hidden(), 1, 0.06f, rnd);
                    L.sDown = new W(type, s.hidden(), s.moeInter(), 1, 0.08f, rnd);
                }
                layers.add(L);
            }
            outNorm = new V(s.hidden(), rnd, 1f, 0.1f);
            lmHead = new W(type, s.vocab(), s.hidden(), 1, 0.06f, rnd);
        }

        List<DecoderLayerWeights> layerWeights() {
            List<DecoderLayerWeights> out = new ArrayList<>();
            for (Layer L : layers) {
                out.add(new DecoderLayerWeights(L.attnNorm.slice, L.qA == null ? null : L.qA.dev, L.qANorm == null ? null : L.qANorm.slice,
                        L.q.dev, L.kvA.dev, L.kvNorm.slice, L.kB.dev, L.vB.dev, L.out.dev, L.ffnNorm.slice,
                        L.router == null ? null : L.router.dev, L.bias == null ? null : L.bias.slice, L.gate.dev, L.up.dev, L.down.dev,
                        L.sGate == null ? null : L.sGate.dev, L.sUp == null ? null : L.sUp.dev, L.sDown == null ? null : L.sDown.dev));
            }
            return out;
        }
    }

    /** Plain MLA: keys and values per head rebuilt from the cached latent at every step. */
    static final class Reference {
        private final Model m;
        private final MlaMoeShape s;
        private final List<List<double[]>> latents = new ArrayList<>(), ropeKeys = new ArrayList<>();

        Reference(Model m) {
            this.m = m;
            this.s = m.s;
            reset();
        }

        void reset() {
            latents.clear();
            ropeKeys.clear();
            for (int l = 0; l < m.layers.size(); l++) { latents.add(new ArrayList<>()); ropeKeys.add(new ArrayList<>()); }
        }

        double[] forward(int token, int pos, int budget) {
            double[] x = new double[s.hidden()];
            for (int i = 0; i < x.length; i++) x[i] = m.embed.w[token * s.hidden() + i];
            for (int l = 0; l < m.layers.size(); l++) {
                Layer L = m.layers.get(l);
                double[] xn = norm(x, L.attnNorm.v, s.hidden());
                double[] q = L.qA == null ? L.q.mul(0, xn) : L.q.mul(0, norm(L.qA.mul(0, xn), L.qANorm.v, s.qLoraRank()));
                double[] kv = L.kvA.mul(0, xn);
                latents.get(l).add(pos, norm(kv, L.kvNorm.v, s.kvRank()));
                ropeKeys.get(l).add(pos, rope(Arrays.copyOfRange(kv, s.kvRank(), s.cacheRow()), pos));
                double[] o = new double[s.heads() * s.vDim()];
                for (int h = 0; h < s.heads(); h++) {
                    double[] qNope = Arrays.copyOfRange(q, h * s.qDim(), h * s.qDim() + s.nopeDim());
                    double[] qPe = rope(Arrays.copyOfRange(q, h * s.qDim() + s.nopeDim(), (h + 1) * s.qDim()), pos);
                    double[] score = new double[pos + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t <= pos; t++) {
                        double[] c = latents.get(l).get(t);
                        double d = 0;
                        for (int j = 0; j < s.nopeDim(); j++) {  // k_nope[j] = sum_r kB[h][r][j] c[r]
                            double kj = 0;
                            for (int r = 0; r < s.kvRank(); r++) kj += L.kB.w[(h * s.kvRank() + r) * s.nopeDim() + j] * c[r];
                            d += qNope[j] * kj;
                        }
                        double[] kpe = ropeKeys.get(l).get(t);
                        for (int j = 0; j < s.ropeDim(); j++) d += qPe[j] * kpe[j];
                        score[t] = d * s.attnScale();
                        max = Math.max(max, score[t]);
                    }
                    double sum = 0;
                    for (int t = 0; t <= pos; t++) { score[t] = Math.exp(score[t] - max); sum += score[t]; }
                    for (int t = 0; t <= pos; t++) {
                        double[] v = L.vB.mul(h, latents.get(l).get(t));
                        for (int j = 0; j < s.vDim(); j++) o[h * s.vDim() + j] += score[t] / sum * v[j];
                    }
                }
                add(x, L.out.mul(0, o), 1);
                xn = norm(x, L.ffnNorm.v, s.hidden());
                if (L.router == null) {
                    add(x, L.down.mul(0, swiglu(L.gate.mul(0, xn), L.up.mul(0, xn))), 1);
                } else {
                    double[] logits = L.router.mul(0, xn);
                    float[] lf = new float[logits.length];
                    for (int i = 0; i < lf.length; i++) lf[i] = (float) logits[i];
                    CudaReference.Routing r = CudaReference.moeGate(lf, L.bias == null ? null : L.bias.v, s.gating(), budget);
                    for (int i = 0; i < budget; i++) {
                        int e = r.experts()[i];
                        add(x, L.down.mul(e, swiglu(L.gate.mul(e, xn), L.up.mul(e, xn))), r.weights()[i]);
                    }
                    add(x, L.sDown.mul(0, swiglu(L.sGate.mul(0, xn), L.sUp.mul(0, xn))), 1);
                }
            }
            return m.lmHead.mul(0, norm(x, m.outNorm.v, s.hidden()));
        }

        private double[] rope(double[] v, int pos) {
            float[] f = new float[v.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) v[i];
            return CudaReference.rope(f, s.ropeDim(), pos, s.rope());
        }

        private double[] norm(double[] x, float[] w, int n) {
            double ss = 0;
            for (int i = 0; i < n; i++) ss += x[i] * x[i];
            double inv = 1 / Math.sqrt(ss / n + s.rmsEps());
            double[] y = new double[n];
            for (int i = 0; i < n; i++) y[i] = x[i] * inv * w[i];
            return y;
        }

        private static double[] swiglu(double[] g, double[] u) {
            double[] h = new double[g.length];
            for (int i = 0; i < h.length; i++) h[i] = CudaReference.silu(g[i]) * u[i];
            return h;
        }

        private static void add(double[] x, double[] y, double w) {
            for (int i = 0; i < x.length; i++) x[i] += w * y[i];
        }
    }
}
