package dev.reasoningrouter.engine.kernels.cuda;

import dev.reasoningrouter.engine.model.TokenChoices;
import java.util.List;

/**
 * The DeepSeek-V2/V3 forward pass on the GPU for a batch of up to {@code maxRows} rows, each a (token, position,
 * latent cache, expert budget): what {@link CudaDecoder} (one sequence) and {@link CudaDeepSeekModel} (many) both
 * run. Every weight matrix is read once per batch of up to {@link CudaKernels#MAX_BATCH} rows; attention is absorbed
 * MLA per row over that row's cache. Rows of one sequence must be consecutive with consecutive positions (a prompt
 * chunk): their cache rows are all written before any of them attends, and each attends only up to its own
 * position, so a chunk is causal exactly as one row at a time would be. Activations stay on the device; logits come
 * back only for the rows asked for. Not thread-safe.
 */
final class CudaForwardPass implements AutoCloseable {

    private final CudaKernels k;
    private final MlaMoeShape s;
    private final DeviceMatrix embed;
    private final DeviceSlice outNorm;
    private final DeviceMatrix lmHead;
    private final List<DecoderLayerWeights> layers;
    private final int maxRows;
    private final int topK;
    // Row strides in floats, each a multiple of 4 so that every row starts 16-byte aligned (128-bit loads).
    private final int ldX, ldQa, ldQ, ldLat, ldO, ldExperts, ldH, ldMoe, ldShared, ldVocab;
    private final DeviceBuffer act;
    private final DeviceBuffer ints;
    private final MlaWorkspace ws;
    private final DeviceSlice x, xn, qa, q, qLat, oLat, o, routerLogits, h, hShared, logits, routeWeights;
    private final DeviceSlice tokenIds, positionIds, routeExperts, outId, outLogprob, samplingParams;
    private final int[] staging;
    private final int rows4;
    private final float[] params;   // per row: temperatures | top-ps | uniforms, rows4 each
    private final int[] answers;    // per row: chosen ids | their log-probabilities (float bits), rows4 each

    CudaForwardPass(CudaKernels kernels, MlaMoeShape shape, DeviceMatrix embed, List<DecoderLayerWeights> layers, DeviceSlice outNorm,
                    DeviceMatrix lmHead, int maxRows) {
        if (maxRows < 1) throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
        if (embed.cols() != shape.hidden() || lmHead.rows() != shape.vocab() || lmHead.cols() != shape.hidden()) {
            throw new IllegalArgumentException("embedding or LM head does not match hidden " + shape.hidden() + " / vocab " + shape.vocab());
        }
        this.k = kernels;
        this.s = shape;
        this.embed = embed;
        this.outNorm = outNorm;
        this.lmHead = lmHead;
        this.layers = List.copyOf(layers);
        this.maxRows = maxRows;
        this.topK = Math.max(1, shape.routedTopK());
        int dense = 0, moe = 0, shared = 0;
        for (DecoderLayerWeights l : this.layers) {
            if (l.moe()) moe = Math.max(moe, l.gate().rows());
            else dense = Math.max(dense, l.gate().rows());
            if (l.sharedGate() != null) shared = Math.max(shared, l.sharedGate().rows());
        }
        ldX = roundUp4(shape.hidden());
        ldQa = roundUp4(Math.max(shape.qLoraRank(), 1));
        ldQ = roundUp4(shape.heads() * shape.qDim());
        ldLat = roundUp4(shape.heads() * shape.kvRank());
        ldO = roundUp4(shape.heads() * shape.vDim());
        ldExperts = roundUp4(Math.max(shape.experts(), 1));
        ldMoe = roundUp4(Math.max(moe, 1));
        ldH = Math.max(roundUp4(Math.max(dense, 1)), topK * ldMoe);
        ldShared = roundUp4(Math.max(shared, 1));
        ldVocab = roundUp4(shape.vocab());
        int[] lds = {ldX, ldX, ldQa, ldQ, ldLat, ldLat, ldO, ldExperts, ldH, ldShared, ldVocab, roundUp4(topK)};
        CudaDevice d = kernels.device();
        DeviceBuffer a = null, i = null;
        MlaWorkspace w = null;
        try {
            long total = 0;
            for (int ld : lds) total += (long) maxRows * ld;
            a = d.allocateFloats(total);
            a.zero();
            DeviceSlice[] parts = new DeviceSlice[lds.length];
            long at = 0;
            for (int p = 0; p < lds.length; p++) {
                parts[p] = a.floats(at, (long) maxRows * lds[p]);
                at += (long) maxRows * lds[p];
            }
            x = parts[0]; xn = parts[1]; qa = parts[2]; q = parts[3]; qLat = parts[4]; oLat = parts[5]; o = parts[6];
            routerLogits = parts[7]; h = parts[8]; hShared = parts[9]; logits = parts[10]; routeWeights = parts[11];
            // ints: token ids | positions | chosen ids | their log-probabilities | routed experts | sampling parameters
            // (chosen ids and log-probabilities adjacent: one copy brings both back)
            long r4 = roundUp4(maxRows);
            i = d.allocate(4 * (4 * r4 + r4 * topK + 3 * r4));
            tokenIds = i.slice(0, 4L * maxRows);
            positionIds = i.slice(4 * r4, 4L * maxRows);
            outId = i.slice(8 * r4, 4L * maxRows);
            outLogprob = i.slice(12 * r4, 4L * maxRows);
            routeExperts = i.slice(16 * r4, 4 * r4 * topK);
            samplingParams = i.slice(16 * r4 + 4 * r4 * topK, 12 * r4);
            w = MlaWorkspace.allocate(d, shape.heads(), shape.kvRank(), 64);
        } catch (RuntimeException e) {
            if (a != null) a.close();
            if (i != null) i.close();
            throw e;
        }
        act = a;
        ints = i;
        ws = w;
        rows4 = roundUp4(maxRows);
        staging = new int[2 * rows4];
        params = new float[3 * rows4];
        answers = new int[2 * rows4];
    }

    MlaMoeShape shape() { return s; }

    int maxRows() { return maxRows; }

    int layerCount() { return layers.size(); }

    /** Weight bytes read per token at a budget of {@code experts} routed experts. */
    long activeBytes(int experts) {
        long b = embed.type().rowBytes(s.hidden()) + lmHead.bytes();
        for (DecoderLayerWeights l : layers) b += l.activeBytes(experts);
        return b;
    }

    /**
     * Rows {@code [from, from + n)} of the arrays, {@code n <= maxRows}: each row's token at its position, appended to
     * its cache (which must have room for it), routed to its budget of experts. Logits of the rows with
     * {@code wantLogits} (null: every row) stay on the device, at {@link #downloadLogits} index {@code i - from}.
     */
    void run(int n, int[] tokens, int[] positions, DeviceLatentCache[] caches, int[] experts, boolean[] wantLogits, int from) {
        begin(n, tokens, positions, from);
        for (int l = 0; l < layers.size(); l++) {
            attention(l, n, positions, caches, from);
            ffn(l, n, experts, from);
        }
        int r = 0;
        while (r < n) {  // the LM head over each run of consecutive rows that want logits
            if (wantLogits != null && !wantLogits[from + r]) { r++; continue; }
            int e = r + 1;
            while (e < n && (wantLogits == null || wantLogits[from + e])) e++;
            head(r, e - r);
            r = e;
        }
    }

    /** Uploads the rows' token ids and positions and looks up their embeddings. */
    void begin(int n, int[] tokens, int[] positions, int from) {
        checkRows(n);
        int half = staging.length / 2;
        System.arraycopy(tokens, from, staging, 0, n);
        System.arraycopy(positions, from, staging, half, n);
        ints.upload(0, staging);
        k.embed(embed, tokenIds, n, x, ldX);
    }

    /** Layer {@code layer}'s attention block (norm, MLA, output projection into the residual stream). */
    void attention(int layer, int n, int[] positions, DeviceLatentCache[] caches, int from) {
        DecoderLayerWeights l = layers.get(layer);
        int hidden = s.hidden(), ld = s.cacheRow(), heads = s.heads(), qDim = s.qDim(), nope = s.nopeDim(), kv = s.kvRank();
        k.rmsNorm(x, ldX, l.attnNorm(), xn, ldX, n, hidden, s.rmsEps());
        if (l.qA() != null) {
            k.matmul(l.qA(), xn, ldX, qa, ldQa, n, false);
            k.rmsNorm(qa, ldQa, l.qANorm(), qa, ldQa, n, s.qLoraRank(), s.rmsEps());
            k.matmul(l.q(), qa, ldQa, q, ldQ, n, false);
        } else {
            k.matmul(l.q(), xn, ldX, q, ldQ, n, false);
        }
        DeviceSlice qPe = q.floats(nope, (long) n * ldQ - nope);
        k.rope(qPe, ldQ, qDim, n, heads, s.ropeDim(), positionIds, s.rope());
        // Each sequence's new latent rows go straight into its cache: a run of rows of one sequence has consecutive
        // positions, so its rows are consecutive cache rows and one product writes them all.
        int r = 0;
        while (r < n) {
            DeviceLatentCache c = caches[from + r];
            int e = r + 1;
            while (e < n && caches[from + e] == c) e++;
            int count = e - r, pos = positions[from + r];
            DeviceSlice rows = c.layer(layer).floats((long) pos * ld, (long) count * ld);
            k.matmul(l.kvA(), xn.floats((long) r * ldX, (long) count * ldX), ldX, rows, ld, count, false);
            k.rmsNorm(rows, ld, l.kvANorm(), rows, ld, count, kv, s.rmsEps());
            k.rope(rows.floats(kv, (long) (count - 1) * ld + s.ropeDim()), ld, 0, count, 1, s.ropeDim(),
                    positionIds.slice(4L * r, 4L * count), s.rope());
            r = e;
        }
        // q_nope through W_UK per head: qLat[row][head] (kvRank floats each)
        k.groupedMatmul(l.kB(), q, ldQ, qDim, qLat, ldLat, kv, n, false);
        for (int row = 0; row < n; row++) {
            k.mlaDecode(qLat.floats((long) row * ldLat, (long) heads * kv), kv, qPe.floats((long) row * ldQ, (long) (heads - 1) * qDim + s.ropeDim()),
                    qDim, caches[from + row].layer(layer), ld, positions[from + row] + 1, heads, kv, s.ropeDim(), s.attnScale(), ws,
                    oLat.floats((long) row * ldLat, (long) heads * kv), kv);
        }
        k.groupedMatmul(l.vB(), oLat, ldLat, kv, o, ldO, s.vDim(), n, false);
        k.matmul(l.out(), o, ldO, x, ldX, n, true);
    }

    /** Layer {@code layer}'s feed-forward block: a dense SwiGLU, or routed plus shared experts, into the residual stream. */
    void ffn(int layer, int n, int[] experts, int from) {
        DecoderLayerWeights l = layers.get(layer);
        int hidden = s.hidden();
        k.rmsNorm(x, ldX, l.ffnNorm(), xn, ldX, n, hidden, s.rmsEps());
        if (!l.moe()) {
            k.ffnGateUp(l.gate(), l.up(), xn, ldX, h, ldH, n);
            k.matmul(l.down(), h, ldH, x, ldX, n, true);
            return;
        }
        k.matmul(l.router(), xn, ldX, routerLogits, ldExperts, n, false);
        int r = 0;
        while (r < n) {  // rows may carry different budgets: route each run of equal budget in one launch
            int budget = experts[from + r];
            int e = r + 1;
            while (e < n && experts[from + e] == budget) e++;
            int count = e - r;
            DeviceSlice ids = routeExperts.slice(4L * r * topK, 4L * count * budget);
            DeviceSlice weights = routeWeights.floats((long) r * topK, (long) count * budget);
            DeviceSlice hr = h.floats((long) r * ldH, (long) count * ldH);
            DeviceSlice xr = xn.floats((long) r * ldX, (long) count * ldX);
            k.moeGate(routerLogits.floats((long) r * ldExperts, (long) count * ldExperts), ldExperts, l.routerBias(), s.experts(),
                    s.gating(), budget, count, ids, weights);
            k.moeGateUp(l.gate(), l.up(), xr, ldX, ids, budget, count, hr, ldMoe);
            k.moeDown(l.down(), hr, ldMoe, ids, weights, budget, count, x.floats((long) r * ldX, (long) count * ldX), ldX, true);
            r = e;
        }
        if (l.sharedGate() != null) {
            k.ffnGateUp(l.sharedGate(), l.sharedUp(), xn, ldX, hShared, ldShared, n);
            k.matmul(l.sharedDown(), hShared, ldShared, x, ldX, n, true);
        }
    }

    /** Final norm and LM head for rows {@code [r0, r0 + count)} of the batch. */
    void head(int r0, int count) {
        DeviceSlice xr = x.floats((long) r0 * ldX, (long) count * ldX), xnr = xn.floats((long) r0 * ldX, (long) count * ldX);
        k.rmsNorm(xr, ldX, outNorm, xnr, ldX, count, s.hidden(), s.rmsEps());
        k.matmul(lmHead, xnr, ldX, logits.floats((long) r0 * ldVocab, (long) count * ldVocab), ldVocab, count, false);
    }

    /** Copies row {@code row}'s logits (vocab floats) into {@code dst}. */
    void downloadLogits(int row, float[] dst) {
        checkRows(row + 1);
        act.downloadFloats(logits.offsetBytes() / 4 + (long) row * ldVocab, dst, s.vocab());
    }

    /**
     * Picks row {@code row}'s next token on the device from its logits: greedy for {@code temperature <= 0}, else
     * temperature + top-p with the host's uniform {@code u}. Only the id and its log-probability come back.
     */
    CudaDecoder.Next choose(int row, float temperature, float topP, float u) {
        pick(row, temperature, topP, u);
        download(row + 1);
        return new CudaDecoder.Next(answers[row], Float.intBitsToFloat(answers[rows4 + row]));
    }

    /** {@link #choose} without copying the answer back (the bench times the kernels alone). */
    void pick(int row, float temperature, float topP, float u) {
        checkRows(row + 1);
        if (temperature <= 0) {
            launchChoice(row, 1, false);
        } else {
            params[row] = temperature;
            params[rows4 + row] = topP;
            params[2 * rows4 + row] = u;
            ints.upload(samplingParams.offsetBytes(), params);
            launchChoice(row, 1, true);
        }
    }

    /**
     * After {@link #run} over rows {@code [from, from + n)} with the LM head on every choosing row: chooses the next
     * token of each row with {@code choices.chooses(from + i)} on the device (one launch per run of consecutive rows
     * of one mode), then copies back only the ids and log-probabilities, in one transfer, into {@code choices}.
     */
    void choose(int n, TokenChoices choices, int from) {
        checkRows(n);
        boolean sampled = false;
        int last = -1;
        for (int i = 0; i < n; i++) {
            TokenChoices.Mode m = choices.mode(from + i);
            if (m == TokenChoices.Mode.NONE) continue;
            last = i;
            if (m == TokenChoices.Mode.SAMPLE) {
                params[i] = choices.temperature(from + i);
                params[rows4 + i] = choices.topP(from + i);
                params[2 * rows4 + i] = choices.uniform(from + i);
                sampled = true;
            }
        }
        if (last < 0) return;
        if (sampled) ints.upload(samplingParams.offsetBytes(), params);
        int r = 0;
        while (r < n) {
            TokenChoices.Mode m = choices.mode(from + r);
            int e = r + 1;
            while (e < n && choices.mode(from + e) == m) e++;
            if (m != TokenChoices.Mode.NONE) launchChoice(r, e - r, m == TokenChoices.Mode.SAMPLE);
            r = e;
        }
        download(last + 1);
        for (int i = 0; i <= last; i++) {
            if (choices.chooses(from + i)) choices.chosen(from + i, answers[i], Float.intBitsToFloat(answers[rows4 + i]));
        }
    }

    /** argmax or top-p sampling over rows {@code [r0, r0 + count)} of the logits, answers at the same rows. */
    private void launchChoice(int r0, int count, boolean sample) {
        DeviceSlice lg = logits.floats((long) r0 * ldVocab, (long) count * ldVocab);
        DeviceSlice id = outId.slice(4L * r0, 4L * count), lp = outLogprob.slice(4L * r0, 4L * count);
        if (!sample) {
            k.argmax(lg, ldVocab, s.vocab(), count, id, lp);
        } else {
            k.sampleTopP(lg, ldVocab, s.vocab(), count, samplingParams.slice(4L * r0, 4L * count),
                    samplingParams.slice(4L * (rows4 + r0), 4L * count), samplingParams.slice(4L * (2 * rows4 + r0), 4L * count), id, lp);
        }
    }

    /** Copies the chosen ids and log-probabilities of rows {@code [0, rows)} into {@link #answers}: one transfer. */
    private void download(int rows) {
        ints.downloadInts(outId.offsetBytes() / 4, answers, rows4 + rows);
    }

    private void checkRows(int n) {
        if (n < 1 || n > maxRows) throw new IllegalArgumentException("a pass takes 1.." + maxRows + " rows, got " + n);
    }

    private static int roundUp4(int n) { return (n + 3) / 4 * 4; }

    @Override
    public void close() {
        act.close();
        ints.close();
        ws.close();
    }
}
