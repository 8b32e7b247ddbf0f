package dev.reasoningrouter.engine.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel against the plain Java reference on random data, for every weight type. Needs a CUDA device:
 * without one every test is skipped with the probe's reason ("no CUDA device: ...").
 */
class CudaKernelsTest {

    private static CudaDevice device;
    private static CudaModule module;
    private static CudaKernels kernels;
    private static String unavailable;
    private final List<DeviceBuffer> buffers = new ArrayList<>();

    @BeforeAll
    static void openDevice() {
        CudaProbe probe = CudaDevice.probe();
        if (!probe.available()) {
            unavailable = "no CUDA device: " + probe.reason();
            System.out.println("[CudaKernelsTest] skipping every test: " + unavailable);
            return;
        }
        device = CudaDevice.open(0);
        module = CudaModule.load(device);
        kernels = new CudaKernels(module);
        System.out.println("[CudaKernelsTest] " + device.info().describe() + ", " + module.resource());
    }

    @BeforeEach
    void needsDevice() {
        assumeTrue(kernels != null, () -> unavailable);
    }

    @AfterEach
    void free() {
        buffers.forEach(DeviceBuffer::close);
        buffers.clear();
    }

    @AfterAll
    static void closeDevice() {
        if (module != null) module.close();
        if (device != null) device.close();
    }

    // ------------------------------------------------------------ matrix products

    static Stream<Arguments> matmulCases() {
        List<Arguments> cases = new ArrayList<>();
        for (CudaWeightType t : CudaWeightType.values())
            for (int batch : new int[] {1, 3, 8, 11}) cases.add(Arguments.of(t, 300, 512, batch));
        // shapes that take the scalar fallbacks
        cases.add(Arguments.of(CudaWeightType.F32, 37, 30, 2));
        cases.add(Arguments.of(CudaWeightType.F16, 37, 36, 2));
        cases.add(Arguments.of(CudaWeightType.BF16, 37, 36, 5));
        cases.add(Arguments.of(CudaWeightType.Q8_0, 37, 96, 2));
        cases.add(Arguments.of(CudaWeightType.FP8_E4M3, 200, 200, 2));
        cases.add(Arguments.of(CudaWeightType.Q4_K, 9, 2304, 1));
        cases.add(Arguments.of(CudaWeightType.Q6_K, 9, 2304, 4));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{2} batch {3}")
    @MethodSource("matmulCases")
    void matmulMatchesReference(CudaWeightType type, int rows, int cols, int batch) {
        Random rnd = new Random(type.ordinal() * 1000L + batch);
        Quantised w = quantised(type, rows, cols, 1, rnd);
        float[][] x = vectors(batch, cols, rnd);
        DeviceBuffer xd = upload(flatten(x));
        DeviceBuffer yd = upload(new float[batch * rows]);
        kernels.matmul(w.onDevice, xd.whole(), cols, yd.whole(), rows, batch, false);
        float[] y = yd.downloadFloats(0, batch * rows);
        double[][] ref = CudaReference.matmul(w.decoded, rows, cols, x);
        for (int b = 0; b < batch; b++)
            for (int r = 0; r < rows; r++)
                assertClose(y[b * rows + r], ref[b][r], CudaReference.magnitude(w.decoded, r, cols, x[b]), type + " y[" + b + "][" + r + "]");
        // accumulate adds onto what is there (the fused residual add)
        kernels.matmul(w.onDevice, xd.whole(), cols, yd.whole(), rows, batch, true);
        float[] twice = yd.downloadFloats(0, batch * rows);
        for (int i = 0; i < twice.length; i++) assertThat(twice[i]).isCloseTo(2 * y[i], org.assertj.core.data.Offset.offset(1e-5f + 1e-5f * Math.abs(y[i])));
    }

    @ParameterizedTest
    @EnumSource(value = CudaWeightType.class, names = {"F32", "BF16", "Q8_0", "F16"})
    void groupedMatmulDoesPerHeadAbsorption(CudaWeightType type) {
        // q_lat[h] = W_UK[h] (512 x 128) . q_nope[h], q_nope at stride 192 inside q (128 nope + 64 rope per head)
        int heads = 4, rows = 512, cols = 128, qStride = 192;
        Random rnd = new Random(11);
        Quantised w = quantised(type, rows, cols, heads, rnd);
        float[] q = gaussian(heads * qStride, 1f, rnd);
        DeviceBuffer qd = upload(q), out = upload(new float[heads * rows]);
        kernels.groupedMatmul(w.onDevice, qd.whole(), 0, qStride, out.whole(), 0, rows, 1, false);
        float[] y = out.downloadFloats(0, heads * rows);
        for (int h = 0; h < heads; h++) {
            float[] xh = Arrays.copyOfRange(q, h * qStride, h * qStride + cols);
            float[] wh = Arrays.copyOfRange(w.decoded, h * rows * cols, (h + 1) * rows * cols);
            double[][] ref = CudaReference.matmul(wh, rows, cols, new float[][] {xh});
            for (int r = 0; r < rows; r++) assertClose(y[h * rows + r], ref[0][r], CudaReference.magnitude(wh, r, cols, xh), "head " + h + " row " + r);
        }
    }

    @ParameterizedTest
    @EnumSource(CudaWeightType.class)
    void denseFfnGateUpFusesSiluMultiply(CudaWeightType type) {
        int rows = 264, cols = 512, batch = 3;
        Random rnd = new Random(21);
        Quantised g = quantised(type, rows, cols, 1, rnd), u = quantised(type, rows, cols, 1, rnd);
        float[][] x = vectors(batch, cols, rnd);
        DeviceBuffer xd = upload(flatten(x)), hd = upload(new float[batch * rows]);
        kernels.ffnGateUp(g.onDevice, u.onDevice, xd.whole(), cols, hd.whole(), rows, batch);
        float[] h = hd.downloadFloats(0, batch * rows);
        double[][] gr = CudaReference.matmul(g.decoded, rows, cols, x), ur = CudaReference.matmul(u.decoded, rows, cols, x);
        for (int b = 0; b < batch; b++)
            for (int r = 0; r < rows; r++) {
                double ref = CudaReference.silu(gr[b][r]) * ur[b][r];
                double mag = (CudaReference.magnitude(g.decoded, r, cols, x[b]) + Math.abs(gr[b][r])) * (CudaReference.magnitude(u.decoded, r, cols, x[b]) + Math.abs(ur[b][r]));
                assertClose(h[b * rows + r], ref, mag, type + " h[" + b + "][" + r + "]");
            }
    }

    @ParameterizedTest
    @EnumSource(CudaWeightType.class)
    void routedExpertsReadOnlyTheChosenExpertsAndSumWithWeights(CudaWeightType type) {
        int nExperts = 8, k = 3, batch = 2, hidden = 512, inter = 256;
        Random rnd = new Random(31);
        Quantised g = quantised(type, inter, hidden, nExperts, rnd), u = quantised(type, inter, hidden, nExperts, rnd);
        Quantised d = quantised(type, hidden, inter, nExperts, rnd);
        float[][] x = vectors(batch, hidden, rnd);
        int[] experts = {5, 0, 7, 2, 5, 3};
        float[] weights = {0.5f, 0.3f, 0.2f, 0.6f, 0.25f, 0.15f};
        float[] resid = gaussian(batch * hidden, 1f, rnd);
        DeviceBuffer xd = upload(flatten(x)), ed = uploadInts(experts), wd = upload(weights);
        DeviceBuffer hd = upload(new float[batch * k * inter]), yd = upload(resid);
        kernels.moeGateUp(g.onDevice, u.onDevice, xd.whole(), hidden, ed.whole(), k, batch, hd.whole(), inter);
        kernels.moeDown(d.onDevice, hd.whole(), inter, ed.whole(), wd.whole(), k, batch, yd.whole(), hidden, true);
        float[] h = hd.downloadFloats(0, batch * k * inter);
        float[] y = yd.downloadFloats(0, batch * hidden);
        for (int b = 0; b < batch; b++) {
            double[] ref = new double[hidden];
            double[] mag = new double[hidden];
            for (int s = 0; s < k; s++) {
                int e = experts[b * k + s];
                float[] ge = slice(g.decoded, e, inter * hidden), ue = slice(u.decoded, e, inter * hidden), de = slice(d.decoded, e, hidden * inter);
                double[] gr = CudaReference.matmul(ge, inter, hidden, new float[][] {x[b]})[0];
                double[] ur = CudaReference.matmul(ue, inter, hidden, new float[][] {x[b]})[0];
                float[] hs = new float[inter];
                for (int i = 0; i < inter; i++) {
                    double hv = CudaReference.silu(gr[i]) * ur[i];
                    hs[i] = (float) hv;
                    double hm = (CudaReference.magnitude(ge, i, hidden, x[b]) + 1) * (CudaReference.magnitude(ue, i, hidden, x[b]) + 1);
                    assertClose(h[(b * k + s) * inter + i], hv, hm, type + " h[" + b + "," + s + "][" + i + "]");
                }
                double[] dr = CudaReference.matmul(de, hidden, inter, new float[][] {hs})[0];
                for (int r = 0; r < hidden; r++) {
                    ref[r] += weights[b * k + s] * dr[r];
                    mag[r] += weights[b * k + s] * CudaReference.magnitude(de, r, inter, hs);
                }
            }
            for (int r = 0; r < hidden; r++) assertClose(y[b * hidden + r], resid[b * hidden + r] + ref[r], mag[r] + Math.abs(resid[b * hidden + r]), type + " y[" + b + "][" + r + "]");
        }
    }

    @ParameterizedTest
    @EnumSource(CudaWeightType.class)
    void embeddingRowsDequantiseExactly(CudaWeightType type) {
        int vocab = 140, cols = 512;
        Random rnd = new Random(41);
        Quantised t = quantised(type, vocab, cols, 1, rnd);
        int[] ids = {0, 139, 17, 17, 128};
        DeviceBuffer idd = uploadInts(ids), yd = upload(new float[ids.length * cols]);
        kernels.embed(t.onDevice, idd.whole(), ids.length, yd.whole(), cols);
        float[] y = yd.downloadFloats(0, ids.length * cols);
        for (int i = 0; i < ids.length; i++)
            for (int c = 0; c < cols; c++)
                assertThat(y[i * cols + c]).as(type + " token " + ids[i] + " col " + c)
                        .isCloseTo(t.decoded[ids[i] * cols + c], org.assertj.core.data.Offset.offset(1e-6f * Math.max(1f, Math.abs(t.decoded[ids[i] * cols + c]))));
    }

    // ------------------------------------------------------------ layers

    @Test
    void rmsNormInPlaceAndOutOfPlace() {
        Random rnd = new Random(51);
        int rows = 3, n = 7168;
        float[] x = gaussian(rows * n, 2f, rnd), w = gaussian(n, 1f, rnd);
        DeviceBuffer xd = upload(x), wd = upload(w), yd = upload(new float[rows * n]);
        kernels.rmsNorm(xd.whole(), n, wd.whole(), yd.whole(), n, rows, n, 1e-6f);
        kernels.rmsNorm(xd.whole(), n, wd.whole(), xd.whole(), n, rows, 512, 1e-6f);  // kv_norm style: the first 512 of each row, in place
        float[] y = yd.downloadFloats(0, rows * n), xin = xd.downloadFloats(0, rows * n);
        for (int r = 0; r < rows; r++) {
            double[] ref = CudaReference.rmsNorm(Arrays.copyOfRange(x, r * n, (r + 1) * n), w, 1e-6);
            double[] ref512 = CudaReference.rmsNorm(Arrays.copyOfRange(x, r * n, r * n + 512), Arrays.copyOf(w, 512), 1e-6);
            for (int i = 0; i < n; i++) assertClose(y[r * n + i], ref[i], Math.abs(ref[i]) + 1e-3, "row " + r + " i " + i);
            for (int i = 0; i < 512; i++) assertClose(xin[r * n + i], ref512[i], Math.abs(ref512[i]) + 1e-3, "in place " + i);
            for (int i = 512; i < n; i++) assertThat(xin[r * n + i]).isEqualTo(x[r * n + i]);
        }
    }

    @Test
    void ropeRotatesAdjacentPairsWithYarn() {
        int tokens = 3, heads = 4, headDim = 192, nope = 128, nRot = 64;
        RopeYarn yarn = RopeYarn.yarn(nRot, 10000f, 40f, 4096, 32f, 1f, 1f);
        assertThat(yarn.corrLow()).isGreaterThan(0);
        Random rnd = new Random(61);
        float[] q = gaussian(tokens * heads * headDim, 1f, rnd);
        int[] pos = {0, 7, 3999};
        DeviceBuffer qd = upload(q), pd = uploadInts(pos);
        for (RopeYarn p : new RopeYarn[] {yarn, RopeYarn.plain(10000f)}) {
            qd.upload(q);
            kernels.rope(qd.floats(nope, tokens * heads * headDim - nope), (long) heads * headDim, headDim, tokens, heads, nRot, pd.whole(), p);
            float[] y = qd.downloadFloats(0, q.length);
            for (int t = 0; t < tokens; t++)
                for (int h = 0; h < heads; h++) {
                    int at = (t * heads + h) * headDim;
                    double[] ref = CudaReference.rope(Arrays.copyOfRange(q, at + nope, at + headDim), nRot, pos[t], p);
                    for (int i = 0; i < nRot; i++) assertThat((double) y[at + nope + i]).as("t%d h%d i%d", t, h, i).isCloseTo(ref[i], org.assertj.core.data.Offset.offset(2e-3));
                    for (int i = 0; i < nope; i++) assertThat(y[at + i]).isEqualTo(q[at + i]);
                }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 50, 1000, 5000})
    void mlaDecodeMatchesNaiveAttention(int nKv) {
        int heads = 16, kvRank = 512, ropeDim = 64, ld = kvRank + ropeDim;
        Random rnd = new Random(71 + nKv);
        float[] cache = gaussian(nKv * ld, 1f, rnd), qLat = gaussian(heads * kvRank, 0.2f, rnd), qPe = gaussian(heads * 192, 0.2f, rnd);
        double scale = 1 / Math.sqrt(192);
        DeviceBuffer cd = upload(cache), ql = upload(qLat), qp = upload(qPe), out = upload(new float[heads * kvRank]);
        try (MlaWorkspace ws = MlaWorkspace.allocate(device, heads, kvRank, 64)) {
            // qPe read at offset 128 of each 192-float head (the rope part of q)
            kernels.mlaDecode(ql.whole(), kvRank, qp.floats(128, heads * 192 - 128), 192, cd.whole(), ld, nKv, heads, kvRank, ropeDim,
                    (float) scale, ws, out.whole(), kvRank);
            float[] y = out.downloadFloats(0, heads * kvRank);
            for (int h = 0; h < heads; h++) {
                double[] ref = CudaReference.mla(Arrays.copyOfRange(qLat, h * kvRank, (h + 1) * kvRank),
                        Arrays.copyOfRange(qPe, h * 192 + 128, h * 192 + 192), cache, ld, nKv, kvRank, ropeDim, scale);
                for (int i = 0; i < kvRank; i++) assertClose(y[h * kvRank + i], ref[i], 1, "nKv " + nKv + " head " + h + " dim " + i);
            }
        }
    }

    @Test
    void moeGateSoftmaxUngroupedLikeV2Lite() {
        checkGate(64, 6, null, MoeGating.softmax(false, 1f), 3, 81);
    }

    @Test
    void moeGateSigmoidGroupLimitedWithBiasLikeV3() {
        Random rnd = new Random(91);
        float[] bias = gaussian(256, 0.05f, rnd);
        checkGate(256, 8, bias, new MoeGating(true, 8, 4, true, true, 2.5f), 4, 92);
    }

    @Test
    void moeGateGroupMaxWithReducedBudget() {
        checkGate(160, 2, null, new MoeGating(false, 8, 3, false, false, 16f), 2, 93);
    }

    private void checkGate(int n, int k, float[] bias, MoeGating g, int tokens, long seed) {
        Random rnd = new Random(seed);
        float[] logits = gaussian(tokens * n, 1f, rnd);
        DeviceBuffer ld = upload(logits), ed = uploadInts(new int[tokens * k]), wd = upload(new float[tokens * k]);
        DeviceBuffer bd = bias == null ? null : upload(bias);
        kernels.moeGate(ld.whole(), n, bd == null ? null : bd.whole(), n, g, k, tokens, ed.whole(), wd.whole());
        int[] ex = ed.downloadInts(0, tokens * k);
        float[] w = wd.downloadFloats(0, tokens * k);
        for (int t = 0; t < tokens; t++) {
            CudaReference.Routing ref = CudaReference.moeGate(Arrays.copyOfRange(logits, t * n, (t + 1) * n), bias, g, k);
            assertThat(Arrays.copyOfRange(ex, t * k, (t + 1) * k)).as("token %d experts", t).containsExactly(ref.experts());
            for (int r = 0; r < k; r++) assertThat((double) w[t * k + r]).isCloseTo(ref.weights()[r], org.assertj.core.data.Offset.offset(1e-5 * g.routeScale()));
        }
    }

    @Test
    void argmaxReturnsTheIdAndItsLogProbability() {
        int rows = 3, n = 129_280;
        Random rnd = new Random(101);
        float[] logits = gaussian(rows * n, 3f, rnd);
        logits[n + 5] = 40f;
        logits[n + 9] = 40f;  // tie: the lower index wins
        DeviceBuffer ld = upload(logits), id = uploadInts(new int[rows]), lp = upload(new float[rows]);
        kernels.argmax(ld.whole(), n, n, rows, id.whole(), lp.whole());
        int[] ids = id.downloadInts(0, rows);
        float[] lps = lp.downloadFloats(0, rows);
        for (int r = 0; r < rows; r++) {
            float[] row = Arrays.copyOfRange(logits, r * n, (r + 1) * n);
            int best = 0;
            for (int i = 1; i < n; i++) if (row[i] > row[best]) best = i;
            assertThat(ids[r]).isEqualTo(best);
            assertThat((double) lps[r]).isCloseTo(Math.log(CudaReference.softmax(row, 1)[best]), org.assertj.core.data.Offset.offset(1e-4));
        }
        assertThat(ids[1]).isEqualTo(5);
    }

    @Test
    void topPSamplingPicksWhatTheSortedDefinitionPicks() {
        int n = 32_000, rows = 64;
        Random rnd = new Random(111);
        float[] logits = gaussian(rows * n, 2.5f, rnd);
        float[] temps = new float[rows], topPs = new float[rows], us = new float[rows];
        for (int r = 0; r < rows; r++) {
            temps[r] = 0.3f + 0.1f * (r % 10);
            topPs[r] = r % 8 == 0 ? 1f : 0.5f + 0.06f * (r % 8);
            us[r] = rnd.nextFloat();
        }
        DeviceBuffer ld = upload(logits), td = upload(temps), pd = upload(topPs), ud = upload(us);
        DeviceBuffer id = uploadInts(new int[rows]), lp = upload(new float[rows]);
        kernels.sampleTopP(ld.whole(), n, n, rows, td.whole(), pd.whole(), ud.whole(), id.whole(), lp.whole());
        int[] ids = id.downloadInts(0, rows);
        float[] lps = lp.downloadFloats(0, rows);
        for (int r = 0; r < rows; r++) {
            float[] row = Arrays.copyOfRange(logits, r * n, (r + 1) * n);
            int ref = CudaReference.sampleTopP(row, temps[r], topPs[r], us[r]);
            assertThat(ids[r]).as("row %d (T=%.1f, p=%.2f, u=%.4f)", r, temps[r], topPs[r], us[r]).isEqualTo(ref);
            // the model's log-probability (temperature 1, before top-p), as argmax and the host sampler report it
            assertThat((double) lps[r]).isCloseTo(Math.log(CudaReference.softmax(row, 1)[ref]), org.assertj.core.data.Offset.offset(1e-3));
        }
    }

    // ------------------------------------------------------------ helpers

    record Quantised(DeviceMatrix onDevice, float[] decoded) {}

    /** Random weights in {@code type}, uploaded, with the reference's dequantised copy; groups stored back to back. */
    private Quantised quantised(CudaWeightType type, int rows, int cols, int groups, Random rnd) {
        float[] all = new float[groups * rows * cols];
        byte[][] enc = new byte[groups][];
        float[][] scales = new float[groups][];
        for (int g = 0; g < groups; g++) {
            float[] w = gaussian(rows * cols, 0.05f, rnd);
            enc[g] = WeightCodec.encode(type, w, rows, cols);
            scales[g] = type.hasBlockScales() ? WeightCodec.fp8Scales(w, rows, cols) : null;
            System.arraycopy(WeightCodec.decodeAll(type, enc[g], rows, cols, scales[g]), 0, all, g * rows * cols, rows * cols);
        }
        byte[] data = concat(enc);
        float[] sc = type.hasBlockScales() ? concat(scales) : null;
        DeviceMatrix m = DeviceMatrix.upload(device, type, rows, cols, groups, MemorySegment.ofArray(data), sc == null ? null : MemorySegment.ofArray(sc));
        buffers.add(m.data().buffer());
        if (m.scales() != null) buffers.add(m.scales().buffer());
        return new Quantised(m, all);
    }

    private DeviceBuffer upload(float[] v) {
        DeviceBuffer b = device.allocateFloats(Math.max(1, v.length));
        b.upload(v);
        buffers.add(b);
        return b;
    }

    private DeviceBuffer uploadInts(int[] v) {
        DeviceBuffer b = device.allocate(4L * Math.max(1, v.length));
        b.upload(v);
        buffers.add(b);
        return b;
    }

    /** fp32-accumulation tolerance: 1e-4 of the sum of |terms|, plus a tiny absolute floor. */
    private static void assertClose(float got, double want, double magnitude, String what) {
        double tol = 1e-4 * magnitude + 1e-6;
        if (!(Math.abs(got - want) <= tol)) {
            throw new AssertionError(what + ": GPU " + got + " vs reference " + want + " (tolerance " + tol + ")");
        }
    }

    private static float[] gaussian(int n, float sigma, Random rnd) { return WeightCodecTest.gaussian(n, sigma, rnd); }

    private static float[][] vectors(int batch, int cols, Random rnd) {
        float[][] x = new float[batch][];
        for (int b = 0; b < batch; b++) x[b] = gaussian(cols, 1f, rnd);
        return x;
    }

    private static float[] flatten(float[][] x) {
        float[] f = new float[x.length * x[0].length];
        for (int b = 0; b < x.length; b++) System.arraycopy(x[b], 0, f, b * x[0].length, x[0].length);
        return f;
    }

    private static float[] slice(float[] all, int group, int size) { return Arrays.copyOfRange(all, group * size, (group + 1) * size); }

    private static byte[] concat(byte[][] parts) {
        byte[] out = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] p : parts) { System.arraycopy(p, 0, out, at, p.length); at += p.length; }
        return out;
    }

    private static float[] concat(float[][] parts) {
        float[] out = new float[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) { System.arraycopy(p, 0, out, at, p.length); at += p.length; }
        return out;
    }
}
