package dev.reasoningrouter.trainer.nn;

import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.model.RotaryEmbedding;
import dev.reasoningrouter.engine.synth.DeepSeekTensors;
import dev.reasoningrouter.trainer.data.TokenSequence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The DeepSeek-V2/V3 architecture as the engine runs it, with a backward pass: token embedding; per layer RMSNorm,
 * multi-head latent attention, residual, RMSNorm, a dense SwiGLU FFN (the first {@code first_k_dense_replace} layers)
 * or DeepSeekMoE, residual; final RMSNorm and LM head; cross-entropy on the reply tokens. Parameters carry Hugging
 * Face's names and shapes, so the model exports through the engine's writers unchanged.
 *
 * <p>Not thread-safe by itself: each worker thread runs its own {@link Worker} (activations and gradients) over its
 * share of a batch; the parameters are only read during a step.
 */
public final class TrainableModel {
    private final ModelConfig c;
    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private final Parameter embed, outNorm, lmHead;
    private final Parameter[] attnNorm, ffnNorm;
    private final Attention[] attention;
    private final Ffn[] dense;
    private final Moe[] moe;
    private final RotaryEmbedding rope;

    public TrainableModel(ModelConfig c) {
        this.c = c;
        Map<String, int[]> shapes = DeepSeekTensors.huggingFaceShapes(c);
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            byName.put(e.getKey(), new Parameter(e.getKey(), roleOf(e.getKey(), e.getValue()), e.getValue()));
        }
        this.rope = new RotaryEmbedding(c);
        rope.ensure(c.maxContext());
        int layers = c.numLayers();
        embed = p("model.embed_tokens.weight");
        outNorm = p("model.norm.weight");
        lmHead = p("lm_head.weight");
        attnNorm = new Parameter[layers];
        ffnNorm = new Parameter[layers];
        attention = new Attention[layers];
        dense = new Ffn[layers];
        moe = new Moe[layers];
        for (int l = 0; l < layers; l++) {
            String b = "model.layers." + l + ".";
            attnNorm[l] = p(b + "input_layernorm.weight");
            ffnNorm[l] = p(b + "post_attention_layernorm.weight");
            attention[l] = new Attention(c, p(b + "self_attn.q_a_proj.weight"), p(b + "self_attn.q_a_layernorm.weight"),
                    p(b + "self_attn.q_b_proj.weight"), p(b + "self_attn.kv_a_proj_with_mqa.weight"),
                    p(b + "self_attn.kv_a_layernorm.weight"), p(b + "self_attn.kv_b_proj.weight"), p(b + "self_attn.o_proj.weight"),
                    rope);
            if (c.isMoeLayer(l)) {
                Ffn[] experts = new Ffn[c.nRoutedExperts()];
                for (int e = 0; e < experts.length; e++) {
                    experts[e] = ffn(b + "mlp.experts." + e + ".");
                }
                moe[l] = new Moe(c, p(b + "mlp.gate.weight"),
                        c.hasSelectionBias() ? p(b + "mlp.gate.e_score_correction_bias") : null, experts,
                        c.nSharedExperts() > 0 ? ffn(b + "mlp.shared_experts.") : null);
            } else {
                dense[l] = ffn(b + "mlp.");
            }
        }
    }

    private static Parameter.Role roleOf(String name, int[] shape) {
        if (name.endsWith("e_score_correction_bias")) {
            return Parameter.Role.SELECTION_BIAS;
        }
        if (name.equals("model.embed_tokens.weight")) {
            return Parameter.Role.EMBEDDING;
        }
        return shape.length == 1 ? Parameter.Role.NORM : Parameter.Role.MATRIX;
    }

    private Parameter p(String name) {
        Parameter p = byName.get(name);
        if (p == null) {
            throw new IllegalStateException("no parameter " + name);
        }
        return p;
    }

    private Ffn ffn(String prefix) {
        return new Ffn(p(prefix + "gate_proj.weight"), p(prefix + "up_proj.weight"), p(prefix + "down_proj.weight"));
    }

    public ModelConfig config() {
        return c;
    }

    /** All parameters in file order. */
    public List<Parameter> parameters() {
        return List.copyOf(byName.values());
    }

    public Parameter parameter(String name) {
        return p(name);
    }

    /** The routers' selection biases, one per MoE layer (null for dense layers). */
    public Parameter selectionBias(int layer) {
        return moe[layer] == null ? null : moe[layer].bias;
    }

    /**
     * Random initialisation: matrices normal with standard deviation 0.02 (the output projections of attention and
     * FFNs scaled by {@code 1/sqrt(2 * layers)}), norms 1, selection biases 0.
     */
    public void initialise(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double residualScale = 1.0 / Math.sqrt(2.0 * c.numLayers());
        for (Parameter p : byName.values()) {
            float[] v = p.value();
            switch (p.role()) {
                case NORM -> java.util.Arrays.fill(v, 1f);
                case SELECTION_BIAS -> java.util.Arrays.fill(v, 0f);
                default -> {
                    boolean residualOut = p.name().endsWith("o_proj.weight") || p.name().endsWith("down_proj.weight");
                    double std = 0.02 * (residualOut ? residualScale : 1.0);
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (rnd.nextGaussian() * std);
                    }
                }
            }
        }
        refresh();
    }

    /** Updates the cached transposes after the parameters changed. */
    public void refresh() {
        for (Parameter p : byName.values()) {
            p.refresh();
        }
    }

    /** A worker's state: activations kept for the backward pass, scratch and its gradients. */
    public Worker newWorker() {
        return new Worker();
    }

    public final class Worker {
        final Batch batch = new Batch();
        final Gradients grads = new Gradients(parameters());
        final float[][] x = new float[c.numLayers() + 1][];
        final float[][] h1 = new float[c.numLayers()][], rstd1 = new float[c.numLayers()][];
        final float[][] xMid = new float[c.numLayers()][], h2 = new float[c.numLayers()][], rstd2 = new float[c.numLayers()][];
        final Attention.State[] attn = new Attention.State[c.numLayers()];
        final Ffn.State[] ffn = new Ffn.State[c.numLayers()];
        final Moe.State[] moeState = new Moe.State[c.numLayers()];
        float[] tmp, dx, dh, dTmp;
        // loss rows
        int[] targetRow = new int[0], targetToken = new int[0];
        int targets;
        float[] xT, hT, rstdT, logits, dLogits, dhT, dxT;

        Worker() {
            for (int l = 0; l < c.numLayers(); l++) {
                attn[l] = new Attention.State();
                ffn[l] = new Ffn.State();
                moeState[l] = moe[l] != null ? moe[l].newState() : null;
            }
        }

        public Gradients gradients() {
            return grads;
        }

        /** Routed-expert assignments per expert of MoE layer {@code layer} since the last {@link #clearLoads()}. */
        public long[] loads(int layer) {
            return moeState[layer] == null ? null : moeState[layer].load;
        }

        /** Makes later passes of this worker replay the expert choices of its last forward pass (or stop, with false). */
        void replayRouting(boolean on) {
            for (Moe.State s : moeState) {
                if (s != null) {
                    s.replayIds = on ? s.ids.clone() : null;
                }
            }
        }

        public void clearLoads() {
            for (Moe.State s : moeState) {
                if (s != null) {
                    java.util.Arrays.fill(s.load, 0);
                }
            }
        }
    }

    /** The result of a forward-backward pass over one worker's sequences. */
    public record Pass(double lossSum, int targets) {}

    /**
     * Runs the sequences forward, then backward with the loss {@code sum(cross-entropy) / lossDivisor} (pass the
     * batch's total target count so that the workers' gradients add up to the batch mean), adding into the worker's
     * gradients. Returns the summed (undivided) loss and the number of targets.
     */
    public Pass forwardBackward(Worker w, List<TokenSequence> sequences, double lossDivisor) {
        load(w, sequences);
        forward(w, true, sequences);
        double loss = lossAndGradient(w, (float) (1.0 / lossDivisor));
        backward(w);
        return new Pass(loss, w.targets);
    }

    /** The loss over the sequences without gradients (for evaluation). */
    public Pass loss(Worker w, List<TokenSequence> sequences) {
        load(w, sequences);
        forward(w, true, sequences);
        double loss = lossAndGradient(w, 0f);
        return new Pass(loss, w.targets);
    }

    /** Next-token logits at every position of one sequence, at expert budget {@code experts}: [length][vocab]. */
    public float[][] logits(Worker w, int[] tokens, int experts) {
        w.batch.reset(tokens.length, 1);
        w.batch.add(tokens, tokens.length, experts);
        forward(w, false, null);
        int n = tokens.length, d = c.hiddenSize(), vocab = c.vocabSize();
        w.targets = n;
        w.targetRow = Kernels.grow(w.targetRow, n);
        for (int i = 0; i < n; i++) {
            w.targetRow[i] = i;
        }
        headForward(w);
        float[][] out = new float[n][vocab];
        for (int i = 0; i < n; i++) {
            System.arraycopy(w.logits, i * vocab, out[i], 0, vocab);
        }
        return out;
    }

    private void load(Worker w, List<TokenSequence> sequences) {
        int total = 0;
        for (TokenSequence s : sequences) {
            if (s.length() > c.maxContext()) {
                throw new IllegalArgumentException("a sequence of " + s.length() + " tokens exceeds the context of " + c.maxContext());
            }
            total += s.length();
        }
        w.batch.reset(total, sequences.size());
        int targets = 0;
        for (TokenSequence s : sequences) {
            w.batch.add(s.tokens(), s.length(), Math.min(s.experts(), Math.max(1, c.numExpertsPerTok())));
            targets += s.targets();
        }
        w.targetRow = Kernels.grow(w.targetRow, targets);
        w.targetToken = Kernels.grow(w.targetToken, targets);
        int m = 0;
        for (int s = 0; s < sequences.size(); s++) {
            TokenSequence seq = sequences.get(s);
            int start = w.batch.seqStart[s];
            for (int p = seq.replyStart() - 1; p < seq.length() - 1; p++) {
                w.targetRow[m] = start + p;
                w.targetToken[m] = seq.tokens()[p + 1];
                m++;
            }
        }
        w.targets = m;
    }

    private void forward(Worker w, boolean training, List<TokenSequence> unused) {
        Batch b = w.batch;
        int n = b.n, d = c.hiddenSize();
        for (int i = 0; i < n; i++) {
            int t = b.tokens[i];
            if (t < 0 || t >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + t + " out of range 0.." + (c.vocabSize() - 1));
            }
        }
        w.x[0] = Kernels.grow(w.x[0], n * d);
        for (int i = 0; i < n; i++) {
            System.arraycopy(embed.value(), b.tokens[i] * d, w.x[0], i * d, d);
        }
        w.tmp = Kernels.grow(w.tmp, n * d);
        for (int l = 0; l < c.numLayers(); l++) {
            w.h1[l] = Kernels.grow(w.h1[l], n * d);
            w.rstd1[l] = Kernels.grow(w.rstd1[l], n);
            w.xMid[l] = Kernels.grow(w.xMid[l], n * d);
            w.h2[l] = Kernels.grow(w.h2[l], n * d);
            w.rstd2[l] = Kernels.grow(w.rstd2[l], n);
            w.x[l + 1] = Kernels.grow(w.x[l + 1], n * d);
            RmsNorm.forward(w.x[l], d, n, d, attnNorm[l].value(), c.rmsNormEps(), w.h1[l], d, w.rstd1[l]);
            attention[l].forward(w.attn[l], b, w.h1[l], w.tmp);
            for (int i = 0; i < n * d; i++) {
                w.xMid[l][i] = w.x[l][i] + w.tmp[i];
            }
            RmsNorm.forward(w.xMid[l], d, n, d, ffnNorm[l].value(), c.rmsNormEps(), w.h2[l], d, w.rstd2[l]);
            if (moe[l] != null) {
                moe[l].forward(w.moeState[l], b, w.h2[l], w.tmp);
            } else {
                dense[l].forward(w.ffn[l], n, w.h2[l], w.tmp);
            }
            for (int i = 0; i < n * d; i++) {
                w.x[l + 1][i] = w.xMid[l][i] + w.tmp[i];
            }
        }
    }

    /** Final norm and LM head on the target rows only: logits [targets x vocab]. */
    private void headForward(Worker w) {
        int m = w.targets, d = c.hiddenSize(), vocab = c.vocabSize();
        float[] xL = w.x[c.numLayers()];
        w.xT = Kernels.grow(w.xT, m * d);
        w.hT = Kernels.grow(w.hT, m * d);
        w.rstdT = Kernels.grow(w.rstdT, m);
        w.logits = Kernels.grow(w.logits, m * vocab);
        for (int r = 0; r < m; r++) {
            System.arraycopy(xL, w.targetRow[r] * d, w.xT, r * d, d);
        }
        RmsNorm.forward(w.xT, d, m, d, outNorm.value(), c.rmsNormEps(), w.hT, d, w.rstdT);
        Gemm.forward(m, d, vocab, w.hT, lmHead.transposed(), w.logits);
    }

    /** Cross-entropy over the target rows; with a non-zero scale, leaves d(loss * scale)/d(logits) in dLogits. */
    private double lossAndGradient(Worker w, float scale) {
        headForward(w);
        int m = w.targets, vocab = c.vocabSize();
        w.dLogits = Kernels.grow(w.dLogits, m * vocab);
        double total = 0;
        for (int r = 0; r < m; r++) {
            total += Kernels.crossEntropy(w.logits, r * vocab, vocab, w.targetToken[r], w.dLogits, scale);
        }
        return total;
    }

    private void backward(Worker w) {
        Batch b = w.batch;
        int n = b.n, d = c.hiddenSize(), m = w.targets, vocab = c.vocabSize();
        Gradients g = w.grads;
        w.dhT = Kernels.grow(w.dhT, m * d);
        w.dxT = Kernels.grow(w.dxT, m * d);
        Gemm.backwardWeight(m, d, vocab, w.dLogits, w.hT, g.of(lmHead));
        Gemm.backwardInput(m, d, vocab, w.dLogits, lmHead.value(), w.dhT, false);
        RmsNorm.backward(w.xT, d, m, d, outNorm.value(), w.rstdT, w.dhT, d, w.dxT, d, false, g.of(outNorm));
        w.dx = Kernels.grow(w.dx, n * d);
        w.dh = Kernels.grow(w.dh, n * d);
        java.util.Arrays.fill(w.dx, 0, n * d, 0f);
        for (int r = 0; r < m; r++) {
            Kernels.axpy(1f, w.dxT, r * d, w.dx, w.targetRow[r] * d, d);
        }
        for (int l = c.numLayers() - 1; l >= 0; l--) {
            // dx is the gradient of x[l+1] = xMid + ffn(norm(xMid))
            if (moe[l] != null) {
                moe[l].backward(w.moeState[l], b, w.dx, w.dh, g);
            } else {
                dense[l].backward(w.ffn[l], w.dx, w.dh, false, g);
            }
            RmsNorm.backward(w.xMid[l], d, n, d, ffnNorm[l].value(), w.rstd2[l], w.dh, d, w.dx, d, true, g.of(ffnNorm[l]));
            // dx is now the gradient of xMid = x[l] + attn(norm(x[l]))
            attention[l].backward(w.attn[l], b, w.dx, w.dh, false, g);
            RmsNorm.backward(w.x[l], d, n, d, attnNorm[l].value(), w.rstd1[l], w.dh, d, w.dx, d, true, g.of(attnNorm[l]));
        }
        float[] dEmb = g.of(embed);
        for (int i = 0; i < n; i++) {
            Kernels.axpy(1f, w.dx, i * d, dEmb, b.tokens[i] * d, d);
        }
    }

    /** Parameter count of all tensors. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : byName.values()) {
            n += p.size();
        }
        return n;
    }

    /** Names of all parameters. */
    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }
}
