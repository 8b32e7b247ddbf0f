package dev.reasoningrouter.trainer.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.model.RotaryEmbedding;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Gradient checks against finite differences for every layer type on its own, with a random linear loss
 * {@code sum(r * output)}: RMSNorm, RoPE (the engine's rotation and its inverse), SwiGLU feed-forward, multi-head latent attention (sequences longer than one
 * causal block), DeepSeekMoE (router, routed and shared experts, each token its own budget; the expert choice is
 * replayed so the perturbations stay on one smooth piece), and the linear product in its three uses.
 */
class LayerGradientTest {
    private static final double TOLERANCE = 2e-3;

    /** A small MLA/MoE shape: d 32, 2 heads, q-LoRA 32, kv-LoRA 16, 6 routed experts, top-3. */
    static ModelConfig config() {
        return new ModelConfig(64, 32, 2, 2, 32, 16, 8, 4, 8, 48, 16, 6, 1, 3, 1, ModelConfig.Gating.SIGMOID, true, true, 1.0f, 1, 1,
                true, 1e-6f, 10000f, 1f, 256, 32f, 1f, 1f, 256, 0, 1);
    }

    private static Parameter matrix(String name, int rows, int cols, Random r) {
        Parameter p = new Parameter(name, Parameter.Role.MATRIX, rows, cols);
        System.arraycopy(FiniteDifferences.gaussian(r, rows * cols, 1.0 / Math.sqrt(cols)), 0, p.value(), 0, rows * cols);
        p.refresh();
        return p;
    }

    private static Parameter norm(String name, int n, Random r) {
        Parameter p = new Parameter(name, Parameter.Role.NORM, n);
        for (int i = 0; i < n; i++) {
            p.value()[i] = (float) (1 + 0.3 * r.nextGaussian());
        }
        return p;
    }

    private static Batch batch(int[] lengths, int experts, Random r) {
        Batch b = new Batch();
        int total = 0;
        for (int l : lengths) {
            total += l;
        }
        b.reset(total, lengths.length);
        for (int s = 0; s < lengths.length; s++) {
            int[] ids = new int[lengths[s]];
            b.add(ids, lengths[s], 1 + (s + experts) % 3);
        }
        return b;
    }

    @Test
    void rmsNormGradientsMatchFiniteDifferences() {
        Random r = new Random(1);
        int n = 5, dim = 24;
        float[] x = FiniteDifferences.gaussian(r, n * dim, 2.0);
        float[] w = norm("w", dim, r).value();
        float[] proj = FiniteDifferences.gaussian(r, n * dim, 1.0);
        float[] y = new float[n * dim], rstd = new float[n], dx = new float[n * dim], dw = new float[dim];
        RmsNorm.forward(x, dim, n, dim, w, 1e-6f, y, dim, rstd);
        RmsNorm.backward(x, dim, n, dim, w, rstd, proj, dim, dx, dim, false, dw);
        java.util.function.DoubleSupplier loss = () -> {
            RmsNorm.forward(x, dim, n, dim, w, 1e-6f, y, dim, rstd);
            return FiniteDifferences.project(y, proj, n * dim);
        };
        assertThat(FiniteDifferences.worstError(loss, x, dx, () -> { }, 1e-3, 2)).isLessThan(TOLERANCE);
        assertThat(FiniteDifferences.worstError(loss, w, dw, () -> { }, 1e-3, 3)).isLessThan(TOLERANCE);
    }

    @Test
    void ropeBackwardIsTheTransposeOfTheRotation() {
        Random r = new Random(4);
        RotaryEmbedding rope = new RotaryEmbedding(config());
        rope.ensure(300);
        int dim = config().qkRopeHeadDim();
        float[] x = FiniteDifferences.gaussian(r, dim, 1.0), g = FiniteDifferences.gaussian(r, dim, 1.0);
        for (int pos : new int[] {0, 1, 17, 299}) {
            float[] y = x.clone();
            rope.apply(y, 0, pos);
            float[] back = g.clone();
            rope.applyInverse(back, 0, pos);
            // <R x, g> = <x, R^T g> for every x and g
            assertThat(FiniteDifferences.project(y, g, dim)).isCloseTo(FiniteDifferences.project(x, back, dim),
                    org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void swigluFeedForwardGradientsMatchFiniteDifferences() {
        Random r = new Random(5);
        int n = 7, d = 24, inter = 40;
        Ffn ffn = new Ffn(matrix("gate", inter, d, r), matrix("up", inter, d, r), matrix("down", d, inter, r));
        Gradients grads = new Gradients(List.of(ffn.gate, ffn.up, ffn.down));
        float[] x = FiniteDifferences.gaussian(r, n * d, 1.0);
        float[] proj = FiniteDifferences.gaussian(r, n * d, 1.0);
        float[] y = new float[n * d], dx = new float[n * d];
        Ffn.State s = new Ffn.State();
        ffn.forward(s, n, x, y);
        ffn.backward(s, proj, dx, false, grads);
        java.util.function.DoubleSupplier loss = () -> {
            ffn.forward(new Ffn.State(), n, x, y);
            return FiniteDifferences.project(y, proj, n * d);
        };
        assertThat(FiniteDifferences.worstError(loss, x, dx, () -> { }, 1e-3, 6)).isLessThan(TOLERANCE);
        for (Parameter p : List.of(ffn.gate, ffn.up, ffn.down)) {
            assertThat(FiniteDifferences.worstError(loss, p.value(), grads.of(p), p::refresh, 1e-3, 7)).as(p.name()).isLessThan(TOLERANCE);
        }
    }

    @Test
    void latentAttentionGradientsMatchFiniteDifferences() {
        Random r = new Random(8);
        ModelConfig c = config();
        int d = c.hiddenSize(), qOut = c.numHeads() * c.qkHeadDim();
        RotaryEmbedding rope = new RotaryEmbedding(c);
        rope.ensure(c.maxContext());
        List<Parameter> ps = List.of(matrix("qA", c.qLoraRank(), d, r), norm("qANorm", c.qLoraRank(), r), matrix("qB", qOut, c.qLoraRank(), r),
                matrix("kvA", c.kvLoraRank() + c.qkRopeHeadDim(), d, r), norm("kvANorm", c.kvLoraRank(), r),
                matrix("kvB", c.numHeads() * (c.qkNopeHeadDim() + c.vHeadDim()), c.kvLoraRank(), r),
                matrix("o", d, c.numHeads() * c.vHeadDim(), r));
        Attention attn = new Attention(c, ps.get(0), ps.get(1), ps.get(2), ps.get(3), ps.get(4), ps.get(5), ps.get(6), rope);
        Batch b = batch(new int[] {3, 70, 131}, 0, r); // the longer ones span several 64-row causal blocks
        int n = b.n;
        float[] h = FiniteDifferences.gaussian(r, n * d, 1.0);
        float[] proj = FiniteDifferences.gaussian(r, n * d, 1.0);
        float[] y = new float[n * d], dh = new float[n * d];
        Gradients grads = new Gradients(ps);
        Attention.State s = new Attention.State();
        attn.forward(s, b, h, y);
        attn.backward(s, b, proj, dh, false, grads);
        java.util.function.DoubleSupplier loss = () -> {
            attn.forward(new Attention.State(), b, h, y);
            return FiniteDifferences.project(y, proj, n * d);
        };
        assertThat(FiniteDifferences.worstError(loss, h, dh, () -> { }, 1e-3, 9)).as("input").isLessThan(TOLERANCE);
        for (Parameter p : ps) {
            assertThat(FiniteDifferences.worstError(loss, p.value(), grads.of(p), p::refresh, 1e-3, 10)).as(p.name()).isLessThan(TOLERANCE);
        }
    }

    @Test
    void mixtureOfExpertsGradientsMatchFiniteDifferences() {
        Random r = new Random(11);
        ModelConfig c = config();
        int d = c.hiddenSize(), mi = c.moeIntermediateSize();
        Ffn[] experts = new Ffn[c.nRoutedExperts()];
        List<Parameter> ps = new java.util.ArrayList<>();
        for (int e = 0; e < experts.length; e++) {
            experts[e] = new Ffn(matrix("g" + e, mi, d, r), matrix("u" + e, mi, d, r), matrix("d" + e, d, mi, r));
            ps.addAll(List.of(experts[e].gate, experts[e].up, experts[e].down));
        }
        Ffn shared = new Ffn(matrix("sg", mi, d, r), matrix("su", mi, d, r), matrix("sd", d, mi, r));
        ps.addAll(List.of(shared.gate, shared.up, shared.down));
        Parameter router = matrix("router", c.nRoutedExperts(), d, r);
        Parameter bias = new Parameter("bias", Parameter.Role.SELECTION_BIAS, c.nRoutedExperts());
        for (int e = 0; e < bias.size(); e++) {
            bias.value()[e] = (float) (0.1 * r.nextGaussian());
        }
        ps.add(router);
        ps.add(bias);
        Moe moe = new Moe(c, router, bias, experts, shared);
        Batch b = batch(new int[] {9, 14, 6}, 1, r); // budgets 2, 3 and 1 routed experts per token
        int n = b.n;
        float[] x = FiniteDifferences.gaussian(r, n * d, 1.0);
        float[] proj = FiniteDifferences.gaussian(r, n * d, 1.0);
        float[] y = new float[n * d], dx = new float[n * d];
        Gradients grads = new Gradients(ps);
        Moe.State s = moe.newState();
        moe.forward(s, b, x, y);
        moe.backward(s, b, proj, dx, grads);
        int[] chosen = s.ids.clone();
        java.util.function.DoubleSupplier loss = () -> {
            Moe.State t = moe.newState();
            t.replayIds = chosen;
            moe.forward(t, b, x, y);
            return FiniteDifferences.project(y, proj, n * d);
        };
        assertThat(FiniteDifferences.worstError(loss, x, dx, () -> { }, 1e-3, 12)).as("input").isLessThan(TOLERANCE);
        assertThat(FiniteDifferences.worstError(loss, router.value(), grads.of(router), router::refresh, 1e-3, 13)).as("router")
                .isLessThan(TOLERANCE);
        for (Parameter p : ps) {
            if (p.trainable() && p != router && nonZero(grads.of(p))) {
                assertThat(FiniteDifferences.worstError(loss, p.value(), grads.of(p), p::refresh, 1e-3, 14)).as(p.name())
                        .isLessThan(TOLERANCE);
            }
        }
        // every routed expert that was chosen got a gradient, and the shared one always does
        for (int e = 0; e < experts.length; e++) {
            assertThat(nonZero(grads.of(experts[e].down))).as("expert " + e).isEqualTo(s.count[e] > 0);
        }
    }

    private static boolean nonZero(float[] g) {
        for (float v : g) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void linearProductsAgreeWithTheirDefinition() {
        Random r = new Random(15);
        int m = 9, in = 37, out = 21; // odd sizes: the vector tails and the 4-row remainder
        float[] x = FiniteDifferences.gaussian(r, m * in, 1), w = FiniteDifferences.gaussian(r, out * in, 1);
        float[] dy = FiniteDifferences.gaussian(r, m * out, 1);
        float[] wt = new float[in * out], y = new float[m * out], dx = new float[m * in], dw = new float[out * in];
        Gemm.transpose(w, out, in, wt);
        Gemm.forward(m, in, out, x, wt, y);
        Gemm.backwardInput(m, in, out, dy, w, dx, false);
        Gemm.backwardWeight(m, in, out, dy, x, dw);
        for (int i = 0; i < m; i++) {
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int k = 0; k < in; k++) {
                    s += (double) x[i * in + k] * w[o * in + k];
                }
                assertThat((double) y[i * out + o]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-4));
            }
            for (int k = 0; k < in; k++) {
                double s = 0;
                for (int o = 0; o < out; o++) {
                    s += (double) dy[i * out + o] * w[o * in + k];
                }
                assertThat((double) dx[i * in + k]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-4));
            }
        }
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < in; k++) {
                double s = 0;
                for (int i = 0; i < m; i++) {
                    s += (double) dy[i * out + o] * x[i * in + k];
                }
                assertThat((double) dw[o * in + k]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }
}
