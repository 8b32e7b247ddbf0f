package dev.reasoningrouter.trainer.nn;

import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.model.RotaryEmbedding;

/**
 * Multi-head latent attention with decoupled RoPE, in the plain (expanded) form, forward and backward:
 * <pre>
 * q   = rope(qB . rmsnorm(qA . h))                 per head [nope | rope]
 * kva = kvA . h;  lat = rmsnorm(kva[:lora]);  kpe = rope(kva[lora:])   (one rotary key shared by the heads)
 * kv  = kvB . lat                                   per head [k_nope | v]
 * out = o . concat_h softmax(scale * (q_nope.k_nope + q_rope.kpe)) v     causal, per sequence
 * </pre>
 * The input {@code h} is the already normalised residual. Gradients go to the weights (added into the worker's
 * gradient buffers) and to {@code dh}.
 */
final class Attention {
    private final ModelConfig c;
    private final Parameter qA, qANorm, qB, kvA, kvANorm, kvB, o;
    private final RotaryEmbedding rope;
    private final int heads, nope, ropeDim, vd, hd, lora, qr, qRow, kvRow;
    private final float scale;
    /** Rows per causal block: products only reach the columns a block's rows can see. */
    private static final int BLOCK = 64;

    Attention(ModelConfig c, Parameter qA, Parameter qANorm, Parameter qB, Parameter kvA, Parameter kvANorm, Parameter kvB,
              Parameter o, RotaryEmbedding rope) {
        this.c = c;
        this.qA = qA;
        this.qANorm = qANorm;
        this.qB = qB;
        this.kvA = kvA;
        this.kvANorm = kvANorm;
        this.kvB = kvB;
        this.o = o;
        this.rope = rope;
        this.heads = c.numHeads();
        this.nope = c.qkNopeHeadDim();
        this.ropeDim = c.qkRopeHeadDim();
        this.vd = c.vHeadDim();
        this.hd = c.qkHeadDim();
        this.lora = c.kvLoraRank();
        this.qr = c.qLoraRank();
        this.qRow = heads * hd;
        this.kvRow = heads * (nope + vd);
        this.scale = (float) c.softmaxScale();
        if (qr <= 0) {
            throw new IllegalArgumentException("the trainer builds models with a q-LoRA rank (llama.cpp needs one below 27 layers)");
        }
    }

    /** What the forward pass keeps for the backward pass, and scratch; one per worker and layer. */
    static final class State {
        float[] h, cq, rstdQ, cqn, q, kva, rstdKv, lat, kpe, kv, attn;
        /** Attention probabilities of every (sequence, head): [len x len] each, at probOffset[seq * heads + head]. */
        float[] probs;
        int[] probOffset = new int[0];
        // backward scratch
        float[] dAttn, dQ, dKv, dLat, dKva, dCqn, dCq, kMat, kT, vT, dP, dK;
    }

    void forward(State s, Batch b, float[] h, float[] out) {
        int n = b.n, d = c.hiddenSize();
        s.h = h;
        s.cq = Kernels.grow(s.cq, n * qr);
        s.rstdQ = Kernels.grow(s.rstdQ, n);
        s.cqn = Kernels.grow(s.cqn, n * qr);
        s.q = Kernels.grow(s.q, n * qRow);
        s.kva = Kernels.grow(s.kva, n * (lora + ropeDim));
        s.rstdKv = Kernels.grow(s.rstdKv, n);
        s.lat = Kernels.grow(s.lat, n * lora);
        s.kpe = Kernels.grow(s.kpe, n * ropeDim);
        s.kv = Kernels.grow(s.kv, n * kvRow);
        s.attn = Kernels.grow(s.attn, n * heads * vd);

        Gemm.forward(n, d, qr, h, qA.transposed(), s.cq);
        RmsNorm.forward(s.cq, qr, n, qr, qANorm.value(), c.rmsNormEps(), s.cqn, qr, s.rstdQ);
        Gemm.forward(n, qr, qRow, s.cqn, qB.transposed(), s.q);
        Gemm.forward(n, d, lora + ropeDim, h, kvA.transposed(), s.kva);
        RmsNorm.forward(s.kva, lora + ropeDim, n, lora, kvANorm.value(), c.rmsNormEps(), s.lat, lora, s.rstdKv);
        for (int i = 0; i < n; i++) {
            int p = b.positions[i];
            for (int head = 0; head < heads; head++) {
                rope.apply(s.q, i * qRow + head * hd + nope, p);
            }
            System.arraycopy(s.kva, i * (lora + ropeDim) + lora, s.kpe, i * ropeDim, ropeDim);
            rope.apply(s.kpe, i * ropeDim, p);
        }
        Gemm.forward(n, lora, kvRow, s.lat, kvB.transposed(), s.kv);
        s.probOffset = Kernels.grow(s.probOffset, b.sequences * heads);
        int total = 0;
        for (int seq = 0; seq < b.sequences; seq++) {
            for (int head = 0; head < heads; head++) {
                s.probOffset[seq * heads + head] = total;
                total += b.seqLen[seq] * b.seqLen[seq];
            }
        }
        s.probs = Kernels.grow(s.probs, total);
        int maxT = b.maxLength();
        s.kT = Kernels.grow(s.kT, hd * maxT);
        for (int seq = 0; seq < b.sequences; seq++) {
            int t0 = b.seqStart[seq], len = b.seqLen[seq];
            for (int head = 0; head < heads; head++) {
                attendHead(s, t0, len, head, s.probOffset[seq * heads + head]);
            }
        }
        Gemm.forward(n, heads * vd, d, s.attn, o.transposed(), out);
    }

    /** Causal attention of one head over one sequence: probabilities into probs at {@code po} [len x len], output into attn. */
    private void attendHead(State s, int t0, int len, int head, int po) {
        float[] kT = s.kT, p = s.probs;
        // keys transposed [hd x len]: the head's non-rotary key, then the shared rotary key
        for (int t = 0; t < len; t++) {
            int kvo = (t0 + t) * kvRow + head * (nope + vd);
            for (int j = 0; j < nope; j++) {
                kT[j * len + t] = s.kv[kvo + j];
            }
            int ko = (t0 + t) * ropeDim;
            for (int j = 0; j < ropeDim; j++) {
                kT[(nope + j) * len + t] = s.kpe[ko + j];
            }
        }
        // scores, in row blocks that only reach the causal columns
        for (int i0 = 0; i0 < len; i0 += BLOCK) {
            int i1 = Math.min(len, i0 + BLOCK);
            Gemm.gemm(i1 - i0, i1, hd, s.q, (t0 + i0) * qRow + head * hd, qRow, 1, kT, 0, len, p, po + i0 * len, len, false);
        }
        for (int i = 0; i < len; i++) {
            int ro = po + i * len;
            Kernels.scale(p, ro, i + 1, scale);
            Kernels.softmax(p, ro, i + 1);
            java.util.Arrays.fill(p, ro + i + 1, ro + len, 0f);
        }
        // out = P . V, the values read in place from kv (row stride kvRow)
        for (int i0 = 0; i0 < len; i0 += BLOCK) {
            int i1 = Math.min(len, i0 + BLOCK);
            Gemm.gemm(i1 - i0, vd, i1, p, po + i0 * len, len, 1, s.kv, t0 * kvRow + head * (nope + vd) + nope, kvRow,
                    s.attn, (t0 + i0) * heads * vd + head * vd, heads * vd, false);
        }
    }

    /**
     * Back-propagates {@code dOut} (the gradient of the block's output, [n x d]); sets {@code dh} to the gradient of
     * the input (or adds to it with {@code accumulate}) and adds the weight gradients into {@code grads}.
     */
    void backward(State s, Batch b, float[] dOut, float[] dh, boolean accumulate, Gradients grads) {
        int n = b.n, d = c.hiddenSize();
        s.dAttn = Kernels.grow(s.dAttn, n * heads * vd);
        s.dQ = Kernels.grow(s.dQ, n * qRow);
        s.dKv = Kernels.grow(s.dKv, n * kvRow);
        s.dKva = Kernels.grow(s.dKva, n * (lora + ropeDim));
        s.dLat = Kernels.grow(s.dLat, n * lora);
        s.dCqn = Kernels.grow(s.dCqn, n * qr);
        s.dCq = Kernels.grow(s.dCq, n * qr);
        // output projection
        Gemm.backwardWeight(n, heads * vd, d, dOut, s.attn, grads.of(o));
        Gemm.backwardInput(n, heads * vd, d, dOut, o.value(), s.dAttn, false);
        // attention itself
        java.util.Arrays.fill(s.dKv, 0, n * kvRow, 0f);
        java.util.Arrays.fill(s.dKva, 0, n * (lora + ropeDim), 0f);
        int maxT = b.maxLength();
        s.kMat = Kernels.grow(s.kMat, maxT * hd);
        s.vT = Kernels.grow(s.vT, vd * maxT);
        s.dP = Kernels.grow(s.dP, maxT * maxT);
        s.dK = Kernels.grow(s.dK, maxT * hd);
        for (int seq = 0; seq < b.sequences; seq++) {
            for (int head = 0; head < heads; head++) {
                backHead(s, b.seqStart[seq], b.seqLen[seq], head, s.probOffset[seq * heads + head]);
            }
        }
        // rotary parts back through the rotation; the shared rotary key was summed over heads into dKva
        for (int i = 0; i < n; i++) {
            int p = b.positions[i];
            for (int head = 0; head < heads; head++) {
                rope.applyInverse(s.dQ, i * qRow + head * hd + nope, p);
            }
            rope.applyInverse(s.dKva, i * (lora + ropeDim) + lora, p);
        }
        // latent: kv = kvB . lat
        Gemm.backwardWeight(n, lora, kvRow, s.dKv, s.lat, grads.of(kvB));
        Gemm.backwardInput(n, lora, kvRow, s.dKv, kvB.value(), s.dLat, false);
        RmsNorm.backward(s.kva, lora + ropeDim, n, lora, kvANorm.value(), s.rstdKv, s.dLat, lora, s.dKva, lora + ropeDim,
                false, grads.of(kvANorm));
        // queries: q = qB . rmsnorm(qA . h)
        Gemm.backwardWeight(n, qr, qRow, s.dQ, s.cqn, grads.of(qB));
        Gemm.backwardInput(n, qr, qRow, s.dQ, qB.value(), s.dCqn, false);
        RmsNorm.backward(s.cq, qr, n, qr, qANorm.value(), s.rstdQ, s.dCqn, qr, s.dCq, qr, false, grads.of(qANorm));
        Gemm.backwardWeight(n, d, qr, s.dCq, s.h, grads.of(qA));
        Gemm.backwardWeight(n, d, lora + ropeDim, s.dKva, s.h, grads.of(kvA));
        Gemm.backwardInput(n, d, qr, s.dCq, qA.value(), dh, accumulate);
        Gemm.backwardInput(n, d, lora + ropeDim, s.dKva, kvA.value(), dh, true);
    }

    private void backHead(State s, int t0, int len, int head, int po) {
        float[] kMat = s.kMat, vT = s.vT, dP = s.dP, dK = s.dK, p = s.probs;
        int vOff = head * (nope + vd) + nope;
        for (int t = 0; t < len; t++) {
            int kvo = (t0 + t) * kvRow + head * (nope + vd);
            System.arraycopy(s.kv, kvo, kMat, t * hd, nope);
            System.arraycopy(s.kpe, (t0 + t) * ropeDim, kMat, t * hd + nope, ropeDim);
            for (int j = 0; j < vd; j++) {
                vT[j * len + t] = s.kv[kvo + nope + j];
            }
        }
        int aOff = t0 * heads * vd + head * vd, aStride = heads * vd;
        int qOff = t0 * qRow + head * hd;
        // dP = dOut . V^T, causal blocks only
        for (int i0 = 0; i0 < len; i0 += BLOCK) {
            int i1 = Math.min(len, i0 + BLOCK);
            Gemm.gemm(i1 - i0, i1, vd, s.dAttn, aOff + i0 * aStride, aStride, 1, vT, 0, len, dP, i0 * len, len, false);
        }
        // dV[t] = sum over i >= t of P[i][t] dOut[i]
        for (int b0 = 0; b0 < len; b0 += BLOCK) {
            int b1 = Math.min(len, b0 + BLOCK);
            Gemm.gemm(b1 - b0, vd, len - b0, p, po + b0 * len + b0, 1, len, s.dAttn, aOff + b0 * aStride, aStride,
                    s.dKv, (t0 + b0) * kvRow + vOff, kvRow, true);
        }
        // softmax backward, scaled: dS = P * (dP - sum(dP * P)) * scale
        for (int i = 0; i < len; i++) {
            int ro = i * len, pr = po + i * len;
            float dot = Kernels.dot(dP, ro, p, pr, i + 1);
            for (int j = 0; j <= i; j++) {
                dP[ro + j] = p[pr + j] * (dP[ro + j] - dot) * scale;
            }
            java.util.Arrays.fill(dP, ro + i + 1, ro + len, 0f);
        }
        // dQ[i] = sum over t <= i of dS[i][t] K[t];  dK[t] = sum over i >= t of dS[i][t] Q[i]
        for (int i0 = 0; i0 < len; i0 += BLOCK) {
            int i1 = Math.min(len, i0 + BLOCK);
            Gemm.gemm(i1 - i0, hd, i1, dP, i0 * len, len, 1, kMat, 0, hd, s.dQ, qOff + i0 * qRow, qRow, false);
            Gemm.gemm(i1 - i0, hd, len - i0, dP, i0 * len + i0, 1, len, s.q, qOff + i0 * qRow, qRow, dK, i0 * hd, hd, false);
        }
        for (int t = 0; t < len; t++) {
            Kernels.axpy(1f, dK, t * hd, s.dKv, (t0 + t) * kvRow + head * (nope + vd), nope);
            Kernels.axpy(1f, dK, t * hd + nope, s.dKva, (t0 + t) * (lora + ropeDim) + lora, ropeDim);
        }
    }
}
