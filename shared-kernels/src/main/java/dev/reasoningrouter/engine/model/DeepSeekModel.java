package dev.reasoningrouter.engine.model;

import dev.reasoningrouter.engine.kernels.Backend;
import dev.reasoningrouter.engine.tensor.Dequant;
import dev.reasoningrouter.engine.tensor.FixedExp;
import dev.reasoningrouter.engine.tensor.VectorDot;
import dev.reasoningrouter.engine.tensor.WeightMatrix;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The DeepSeek-V2/V3 forward pass on a {@link Backend}: embeddings, pre-norm blocks (RMSNorm), multi-head latent
 * attention, dense or DeepSeekMoE feed-forward, final norm and LM head.
 *
 * <p>Attention has two exact forms. <b>Plain</b> (prefill): the latent of every cached token is expanded to per-head
 * keys and values, then ordinary attention. <b>Absorbed</b> (decode): the key up-projection is folded into the query
 * and the value up-projection applied after the weighted sum, so attention runs directly over the cached latents.
 * {@link AttentionMode#AUTO} uses plain for a sequence with several rows in the step, absorbed for one row.
 *
 * <p>Not thread-safe: one driver thread calls {@link #forward}. Buffers are reused across steps.
 */
public final class DeepSeekModel implements InferenceModel {

    public enum AttentionMode { AUTO, PLAIN, ABSORBED }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private final ModelConfig c;
    private final ModelWeights w;
    private final Backend backend;
    private final RotaryEmbedding rope;
    private final MoeRouter router;
    private final float scale;
    private AttentionMode mode = AttentionMode.AUTO;

    // step state shared with the parallel tasks
    private int rowsCap;
    private float[][] x, xn, tmpH, q, cq, kva, attn, ffnA, ffnB, moeOut, routerLogits, routeW, logits;
    private int[][] routeIds;
    private int[] positions;
    private float[] select, groupScore;
    private int[] expertCount;
    private int[][] expertRows;
    private float[][] expertWeight;
    private float[][] selX, selA, selB, selY;
    private float[][] outRows;
    private float[][][] slotA, slotB, slotY;
    private float[][][] expertX, expertA, expertB, expertY;
    private WeightMatrix[] mW;
    private float[][][] mX, mY;
    private int[] mN;
    private LatentKvCache[] curCaches;
    private int curLayer;
    private int groupStart, groupEnd;
    private final Backend.ParallelTask absorbedTask = this::absorbedHead;
    private final Backend.ParallelTask plainTask = this::plainHead;

    public DeepSeekModel(ModelConfig config, ModelWeights weights, Backend backend) {
        this.c = config;
        this.w = weights;
        this.backend = backend;
        this.rope = new RotaryEmbedding(config);
        this.router = new MoeRouter(config);
        this.scale = (float) config.softmaxScale();
        this.select = new float[Math.max(1, config.nRoutedExperts())];
        this.groupScore = new float[Math.max(1, config.nGroup())];
        this.expertCount = new int[Math.max(1, config.nRoutedExperts())];
        this.expertRows = new int[Math.max(1, config.nRoutedExperts())][];
        this.expertWeight = new float[Math.max(1, config.nRoutedExperts())][];
    }

    @Override
    public ModelConfig config() {
        return c;
    }

    public ModelWeights weights() {
        return w;
    }

    @Override
    public String backendName() {
        return backend.name();
    }

    /** Forces the attention form (tests compare them); AUTO by default. */
    public void setAttentionMode(AttentionMode mode) {
        this.mode = mode;
    }

    @Override
    public LatentKvCache newCache(int capacity) {
        return new LatentKvCache(c, capacity);
    }

    private void ensureRows(int n) {
        if (n <= rowsCap) {
            return;
        }
        int r = Math.max(n, rowsCap * 2);
        int h = c.hiddenSize();
        int inter = Math.max(c.intermediateSize(), Math.max(c.moeIntermediateSize(), c.moeIntermediateSize() * c.nSharedExperts()));
        x = new float[r][h];
        xn = new float[r][h];
        tmpH = new float[r][h];
        q = new float[r][c.numHeads() * c.qkHeadDim()];
        cq = new float[r][Math.max(1, c.qLoraRank())];
        kva = new float[r][c.kvLoraRank() + c.qkRopeHeadDim()];
        attn = new float[r][c.numHeads() * c.vHeadDim()];
        ffnA = new float[r][Math.max(1, inter)];
        ffnB = new float[r][Math.max(1, inter)];
        moeOut = new float[r][h];
        routerLogits = new float[r][Math.max(1, c.nRoutedExperts())];
        routeIds = new int[r][Math.max(1, c.numExpertsPerTok())];
        routeW = new float[r][Math.max(1, c.numExpertsPerTok())];
        logits = new float[r][];
        positions = new int[r];
        for (int e = 0; e < expertRows.length; e++) {
            expertRows[e] = new int[r];
            expertWeight[e] = new float[r];
        }
        selX = new float[r][];
        selA = new float[r][];
        selB = new float[r][];
        selY = new float[r][];
        outRows = new float[r][];
        int topK = Math.max(1, c.numExpertsPerTok());
        int ne = Math.max(1, c.nRoutedExperts());
        slotA = new float[r][topK][Math.max(1, c.moeIntermediateSize())];
        slotB = new float[r][topK][Math.max(1, c.moeIntermediateSize())];
        slotY = new float[r][topK][h];
        expertX = new float[ne][r][];
        expertA = new float[ne][r][];
        expertB = new float[ne][r][];
        expertY = new float[ne][r][];
        mW = new WeightMatrix[2 * ne + 2];
        mX = new float[2 * ne + 2][][];
        mY = new float[2 * ne + 2][][];
        mN = new int[2 * ne + 2];
        rowsCap = r;
    }

    @Override
    public float[][] forward(LatentKvCache[] caches, int[] tokens, int n, int[] experts, boolean[] wantLogits) {
        ensureRows(n);
        int h = c.hiddenSize();
        // positions, cache room, embeddings
        for (int i = 0; i < n; i++) {
            positions[i] = (i > 0 && caches[i - 1] == caches[i]) ? positions[i - 1] + 1 : caches[i].length();
            if (i > 0 && caches[i - 1] != caches[i]) {
                for (int j = 0; j < i; j++) {
                    if (caches[j] == caches[i]) {
                        throw new IllegalArgumentException("rows of one sequence must be consecutive (row " + i + ")");
                    }
                }
            }
            int k = experts[i];
            if (c.moeLayerCount() > 0 && (k < 1 || k > c.numExpertsPerTok())) {
                throw new IllegalArgumentException("expert budget " + k + " out of range 1.." + c.numExpertsPerTok());
            }
            int t = tokens[i];
            if (t < 0 || t >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + t + " out of range 0.." + (c.vocabSize() - 1));
            }
        }
        for (int i = 0; i < n; i++) {
            if (i == n - 1 || caches[i + 1] != caches[i]) {
                caches[i].ensureCapacity(positions[i] + 1);
            }
            Dequant.row(w.tokenEmbedding(), tokens[i], x[i], 0);
        }
        rope.ensure(maxPosition(n) + 1);
        curCaches = caches;
        for (int l = 0; l < c.numLayers(); l++) {
            curLayer = l;
            ModelWeights.Layer layer = w.layers()[l];
            for (int i = 0; i < n; i++) {
                rmsnorm(xn[i], x[i], layer.attention().norm(), h);
            }
            attention(layer.attention(), n);
            for (int i = 0; i < n; i++) {
                add(x[i], tmpH[i], h);
                rmsnorm(xn[i], x[i], layer.ffnNorm(), h);
            }
            if (layer.moe() != null) {
                moe(layer.moe(), n, experts);
            } else {
                ffn(layer.dense(), n, xn, moeOut);
            }
            for (int i = 0; i < n; i++) {
                add(x[i], moeOut[i], h);
            }
        }
        for (int i = 0; i < n; i++) {
            if (i == n - 1 || caches[i + 1] != caches[i]) {
                caches[i].setLength(positions[i] + 1);
            }
        }
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (wantLogits[i]) {
                rmsnorm(xn[i], x[i], w.outputNorm(), h);
                if (logits[i] == null) {
                    logits[i] = new float[c.vocabSize()];
                }
                selX[m] = xn[i];
                selY[m] = logits[i];
                m++;
            }
        }
        backend.matmul(w.output(), selX, selY, m);
        for (int i = 0; i < n; i++) {
            outRows[i] = wantLogits[i] ? logits[i] : null;
        }
        curCaches = null;
        return outRows;
    }

    private int maxPosition(int n) {
        int m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, positions[i]);
        }
        return m;
    }

    private void attention(ModelWeights.Attention a, int n) {
        int nope = c.qkNopeHeadDim(), ropeDim = c.qkRopeHeadDim(), lora = c.kvLoraRank(), hd = c.qkHeadDim();
        // the query (or its LoRA down-projection) and the latent projection read the same input: one pass
        set(0, a.wq() != null ? a.wq() : a.wqA(), xn, a.wq() != null ? q : cq, n);
        set(1, a.wkvA(), xn, kva, n);
        backend.matmulMany(2, mW, mX, mY, mN);
        if (a.wq() == null) {
            for (int i = 0; i < n; i++) {
                rmsnorm(cq[i], cq[i], a.qANorm(), c.qLoraRank());
            }
            backend.matmul(a.wqB(), cq, q, n);
        }
        for (int i = 0; i < n; i++) {
            for (int head = 0; head < c.numHeads(); head++) {
                rope.apply(q[i], head * hd + nope, positions[i]);
            }
            LatentKvCache cache = curCaches[i];
            float[] lat = cache.latent(curLayer);
            float[] kpe = cache.ropeKey(curLayer);
            int p = positions[i];
            rmsnormInto(lat, p * lora, kva[i], 0, a.kvANorm(), lora);
            System.arraycopy(kva[i], lora, kpe, p * ropeDim, ropeDim);
            rope.apply(kpe, p * ropeDim, p);
        }
        // per sequence group: plain or absorbed
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && curCaches[j + 1] == curCaches[i]) {
                j++;
            }
            boolean plain = mode == AttentionMode.PLAIN || (mode == AttentionMode.AUTO && j > i);
            groupStart = i;
            groupEnd = j + 1;
            if (plain) {
                backend.parallelFor(c.numHeads(), plainTask);
            } else {
                backend.parallelFor((j + 1 - i) * c.numHeads(), absorbedTask);
            }
            i = j + 1;
        }
        backend.matmul(a.wo(), attn, tmpH, n);
    }

    /** Absorbed MLA for one (row, head) of the current group: attention straight over the cached latents. */
    private void absorbedHead(int index, int worker) {
        ModelWeights.Attention a = w.layers()[curLayer].attention();
        int heads = c.numHeads();
        int row = groupStart + index / heads;
        int h = index % heads;
        int nope = c.qkNopeHeadDim(), ropeDim = c.qkRopeHeadDim(), lora = c.kvLoraRank(), hd = c.qkHeadDim(), vd = c.vHeadDim();
        int len = positions[row] + 1;
        float[] qr = q[row];
        int qOff = h * hd;
        float[] qAbs = backend.scratch(worker, 0, lora);
        float[] scores = backend.scratch(worker, 1, len);
        float[] rowBuf = backend.scratch(worker, 2, Math.max(lora, nope));
        float[] dotScratch = backend.scratch(worker, 3, VectorDot.SCRATCH);
        WeightMatrix ku = a.keyUp()[h];
        if (a.keyUpTransposed()) {
            VectorDot.matvec(ku, 0, lora, qr, qOff, qAbs, 0, dotScratch);
        } else {
            Arrays.fill(qAbs, 0, lora, 0f);
            for (int jn = 0; jn < nope; jn++) {
                Dequant.row(ku, jn, rowBuf, 0);
                VectorDot.axpy(qr[qOff + jn], rowBuf, 0, qAbs, 0, lora);
            }
        }
        LatentKvCache cache = curCaches[row];
        float[] lat = cache.latent(curLayer);
        float[] kpe = cache.ropeKey(curLayer);
        for (int t = 0; t < len; t++) {
            float s = VectorDot.dotArrays(qAbs, 0, lat, t * lora, lora)
                    + VectorDot.dotArrays(qr, qOff + nope, kpe, t * ropeDim, ropeDim);
            scores[t] = s * scale;
        }
        softmax(scores, len);
        float[] ctx = qAbs;
        Arrays.fill(ctx, 0, lora, 0f);
        for (int t = 0; t < len; t++) {
            VectorDot.axpy(scores[t], lat, t * lora, ctx, 0, lora);
        }
        WeightMatrix vu = a.valueUp()[h];
        float[] out = attn[row];
        VectorDot.matvec(vu, 0, vd, ctx, 0, out, h * vd, dotScratch);
    }

    /** Plain MLA for one head over the current group: expand keys and values from the latents, then attend. */
    private void plainHead(int h, int worker) {
        ModelWeights.Attention a = w.layers()[curLayer].attention();
        int nope = c.qkNopeHeadDim(), ropeDim = c.qkRopeHeadDim(), lora = c.kvLoraRank(), hd = c.qkHeadDim(), vd = c.vHeadDim();
        LatentKvCache cache = curCaches[groupStart];
        int len = positions[groupEnd - 1] + 1;
        float[] lat = cache.latent(curLayer);
        float[] kpe = cache.ropeKey(curLayer);
        float[] keys = backend.scratch(worker, 0, len * nope);
        float[] values = backend.scratch(worker, 1, len * vd);
        float[] scores = backend.scratch(worker, 2, Math.max(len, Math.max(lora, nope)));
        float[] dotScratch = backend.scratch(worker, 3, VectorDot.SCRATCH);
        WeightMatrix ku = a.keyUp()[h];
        if (a.keyUpTransposed()) {
            Arrays.fill(keys, 0, len * nope, 0f);
            float[] rowBuf = backend.scratch(worker, 4, nope);
            for (int r = 0; r < lora; r++) {
                Dequant.row(ku, r, rowBuf, 0);
                for (int t = 0; t < len; t++) {
                    VectorDot.axpy(lat[t * lora + r], rowBuf, 0, keys, t * nope, nope);
                }
            }
        } else {
            for (int t = 0; t < len; t++) {
                for (int jn = 0; jn < nope; jn++) {
                    keys[t * nope + jn] = VectorDot.dot(ku, jn, lat, t * lora, dotScratch);
                }
            }
        }
        WeightMatrix vu = a.valueUp()[h];
        for (int t = 0; t < len; t++) {
            for (int jv = 0; jv < vd; jv++) {
                values[t * vd + jv] = VectorDot.dot(vu, jv, lat, t * lora, dotScratch);
            }
        }
        for (int row = groupStart; row < groupEnd; row++) {
            int upto = positions[row] + 1;
            float[] qr = q[row];
            int qOff = h * hd;
            for (int t = 0; t < upto; t++) {
                float s = VectorDot.dotArrays(qr, qOff, keys, t * nope, nope)
                        + VectorDot.dotArrays(qr, qOff + nope, kpe, t * ropeDim, ropeDim);
                scores[t] = s * scale;
            }
            softmax(scores, upto);
            float[] out = attn[row];
            Arrays.fill(out, h * vd, h * vd + vd, 0f);
            for (int t = 0; t < upto; t++) {
                VectorDot.axpy(scores[t], values, t * vd, out, h * vd, vd);
            }
        }
    }

    /** Dense SwiGLU FFN over rows, gate and up in one pass, into {@code out}. */
    private void ffn(ModelWeights.Ffn f, int n, float[][] in, float[][] out) {
        set(0, f.gate(), in, ffnA, n);
        set(1, f.up(), in, ffnB, n);
        backend.matmulMany(2, mW, mX, mY, mN);
        int inter = f.gate().rows();
        for (int i = 0; i < n; i++) {
            siluMul(ffnA[i], ffnB[i], inter);
        }
        backend.matmul(f.down(), ffnA, out, n);
    }

    private void set(int j, WeightMatrix w, float[][] x, float[][] y, int n) {
        mW[j] = w;
        mX[j] = x;
        mY[j] = y;
        mN[j] = n;
    }

    /**
     * DeepSeekMoE over the rows: route each row, then one parallel pass for the gate and up projections of every
     * chosen expert (and the shared experts), one for their down projections, then the weighted sum.
     */
    private void moe(ModelWeights.Moe m, int n, int[] experts) {
        int h = c.hiddenSize();
        backend.matmul(m.router(), xn, routerLogits, n);
        Arrays.fill(expertCount, 0);
        for (int i = 0; i < n; i++) {
            int k = router.route(routerLogits[i], m.selectionBias(), experts[i], routeIds[i], routeW[i], select, groupScore);
            for (int j = 0; j < k; j++) {
                int e = routeIds[i][j];
                int s = expertCount[e]++;
                expertRows[e][s] = i;
                expertWeight[e][s] = routeW[i][j];
                expertX[e][s] = xn[i];
                expertA[e][s] = slotA[i][j];
                expertB[e][s] = slotB[i][j];
                expertY[e][s] = slotY[i][j];
            }
        }
        int count = 0;
        for (int e = 0; e < expertCount.length; e++) {
            if (expertCount[e] > 0) {
                set(count++, m.experts()[e].gate(), expertX[e], expertA[e], expertCount[e]);
                set(count++, m.experts()[e].up(), expertX[e], expertB[e], expertCount[e]);
            }
        }
        if (m.shared() != null) {
            set(count++, m.shared().gate(), xn, ffnA, n);
            set(count++, m.shared().up(), xn, ffnB, n);
        }
        backend.matmulMany(count, mW, mX, mY, mN);
        int mi = c.moeIntermediateSize();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < experts[i]; j++) {
                siluMul(slotA[i][j], slotB[i][j], mi);
            }
            if (m.shared() != null) {
                siluMul(ffnA[i], ffnB[i], m.shared().gate().rows());
            }
        }
        count = 0;
        for (int e = 0; e < expertCount.length; e++) {
            if (expertCount[e] > 0) {
                set(count++, m.experts()[e].down(), expertA[e], expertY[e], expertCount[e]);
            }
        }
        if (m.shared() != null) {
            set(count++, m.shared().down(), ffnA, moeOut, n);
        }
        backend.matmulMany(count, mW, mX, mY, mN);
        for (int i = 0; i < n; i++) {
            if (m.shared() == null) {
                Arrays.fill(moeOut[i], 0, h, 0f);
            }
            for (int j = 0; j < experts[i]; j++) {
                VectorDot.axpy(routeW[i][j], slotY[i][j], 0, moeOut[i], 0, h);
            }
        }
    }

    private void rmsnorm(float[] out, float[] in, float[] weight, int n) {
        rmsnormInto(out, 0, in, 0, weight, n);
    }

    private void rmsnormInto(float[] out, int outOff, float[] in, int inOff, float[] weight, int n) {
        // the decode step's serial part between parallel products: vectorised so the other cores wait less
        // (dotArrays sums the lanes in a fixed order, so the norm has the same bits however the code is compiled)
        double ss = VectorDot.dotArrays(in, inOff, in, inOff, n);
        float inv = (float) (1.0 / Math.sqrt(ss / n + c.rmsNormEps()));
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, in, inOff + i).mul(inv).mul(FloatVector.fromArray(F, weight, i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = in[inOff + i] * inv * weight[i];
        }
    }

    private static void add(float[] x, float[] y, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, i).add(FloatVector.fromArray(F, y, i)).intoArray(x, i);
        }
        for (; i < n; i++) {
            x[i] += y[i];
        }
    }

    /**
     * {@code a = silu(a) * b}, SwiGLU's gate, with {@code silu(g) = g / (1 + e^-g)}; e^-g is {@link FixedExp}'s, its
     * operations spelled out here lane by lane (a vector passed to a call C2 does not inline would be boxed, and the
     * decode step would allocate), so the gate, and the logits, do not depend on how warm the JIT is.
     */
    private static void siluMul(float[] a, float[] b, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector g = FloatVector.fromArray(F, a, i);
            // e^x for x = -g, clamped so that 2^k stays a normal float (silu is g or 0 to float precision out there)
            FloatVector x = g.neg().max(-87f).min(88f);
            FloatVector t = x.fma(FixedExp.LOG2E, FixedExp.ROUND);
            FloatVector k = t.sub(FixedExp.ROUND);
            FloatVector r = k.lanewise(VectorOperators.FMA, -FixedExp.LN2_HI, x);
            r = k.lanewise(VectorOperators.FMA, -FixedExp.LN2_LO, r);
            FloatVector p = r.fma(1f / 5040, 1f / 720);
            p = p.lanewise(VectorOperators.FMA, r, 1f / 120);
            p = p.lanewise(VectorOperators.FMA, r, 1f / 24);
            p = p.lanewise(VectorOperators.FMA, r, 1f / 6);
            p = p.lanewise(VectorOperators.FMA, r, 0.5f);
            p = p.lanewise(VectorOperators.FMA, r, 1f);
            p = p.lanewise(VectorOperators.FMA, r, 1f);
            FloatVector twoK = t.reinterpretAsInts().sub(FixedExp.ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.mul(twoK);
            g.div(e.add(1f)).mul(FloatVector.fromArray(F, b, i)).intoArray(a, i);
        }
        for (; i < n; i++) {
            a[i] = siluScalar(a[i]) * b[i];
        }
    }

    /** The vector loop's arithmetic on one float, for the tail: every element gets the same function. */
    static float siluScalar(float g) {
        return g / (FixedExp.exp(-g) + 1f);
    }

    static void softmax(float[] s, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, s[i]);
        }
        float sum = 0;
        for (int i = 0; i < n; i++) {
            s[i] = (float) Math.exp(s[i] - max);
            sum += s[i];
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) {
            s[i] *= inv;
        }
    }
}
