package dev.reasoningrouter.engine.reference;

import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * An independent, deliberately naive float64 DeepSeek-V2/V3 forward pass for tests. It reads the Hugging Face
 * form of the weights (fused kv_b_proj, one tensor per expert), runs the whole sequence with the textbook MLA
 * (latent expanded to per-head keys and values), and computes every routed expert for every token, masking the
 * ones the router did not choose. It shares no code with the engine's forward pass.
 */
public final class ReferenceDeepSeek {
    private final SyntheticModel m;
    private final ModelConfig c;

    public ReferenceDeepSeek(SyntheticModel m) {
        this.m = m;
        this.c = m.config();
    }

    private final java.util.Map<String, double[]> cache = new java.util.HashMap<>();

    private double[] t(String name) {
        return cache.computeIfAbsent(name, this::load);
    }

    private double[] load(String name) {
        float[] f = m.tensor(name);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** y = W x with W stored [out][in] row-major. */
    private static double[] mul(double[] w, double[] x) {
        int in = x.length;
        int out = w.length / in;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = 0;
            for (int i = 0; i < in; i++) {
                s += w[o * in + i] * x[i];
            }
            y[o] = s;
        }
        return y;
    }

    private double[] rms(double[] x, double[] w) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double inv = 1 / Math.sqrt(ss / x.length + c.rmsNormEps());
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * inv * w[i];
        }
        return y;
    }

    private double[] frequencies() {
        int d = c.qkRopeHeadDim();
        double[] f = new double[d / 2];
        for (int i = 0; i < d / 2; i++) {
            double extra = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / d);
            f[i] = extra;
            if (c.ropeScalingFactor() > 1) {
                double inter = extra / c.ropeScalingFactor();
                double lo = Math.max(0, Math.floor(d * Math.log(c.ropeOriginalContext() / (c.yarnBetaFast() * 2 * Math.PI)) / (2 * Math.log(c.ropeTheta()))));
                double hi = Math.min(d - 1, Math.ceil(d * Math.log(c.ropeOriginalContext() / (c.yarnBetaSlow() * 2 * Math.PI)) / (2 * Math.log(c.ropeTheta()))));
                if (lo == hi) {
                    hi += 0.001;
                }
                double ramp = Math.clamp((i - lo) / (hi - lo), 0.0, 1.0);
                double extrapolationMask = 1 - ramp;
                f[i] = inter * (1 - extrapolationMask) + extra * extrapolationMask;
            }
        }
        return f;
    }

    /** Rotates pairs (2i, 2i+1) of v[off..off+d). */
    private static void rope(double[] v, int off, int pos, double[] freq) {
        for (int i = 0; i < freq.length; i++) {
            double th = pos * freq[i];
            double a = v[off + 2 * i], b = v[off + 2 * i + 1];
            v[off + 2 * i] = a * Math.cos(th) - b * Math.sin(th);
            v[off + 2 * i + 1] = a * Math.sin(th) + b * Math.cos(th);
        }
    }

    private static double silu(double x) {
        return x / (1 + Math.exp(-x));
    }

    private double[] mlp(String p, double[] x) {
        double[] g = mul(t(p + "gate_proj.weight"), x);
        double[] u = mul(t(p + "up_proj.weight"), x);
        double[] h = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            h[i] = silu(g[i]) * u[i];
        }
        return mul(t(p + "down_proj.weight"), h);
    }

    /** Per-expert routing weights (0 for experts not chosen) for one token. */
    double[] routingWeights(double[] logits, double[] bias, int k) {
        int n = logits.length;
        double[] score = new double[n];
        if (c.scoringFunc() == ModelConfig.Gating.SOFTMAX) {
            double mx = Arrays.stream(logits).max().orElseThrow();
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += Math.exp(logits[i] - mx);
            }
            for (int i = 0; i < n; i++) {
                score[i] = Math.exp(logits[i] - mx) / sum;
            }
        } else {
            for (int i = 0; i < n; i++) {
                score[i] = 1 / (1 + Math.exp(-logits[i]));
            }
        }
        double[] choice = new double[n];
        for (int i = 0; i < n; i++) {
            choice[i] = score[i] + (bias == null ? 0 : bias[i]);
        }
        boolean[] allowed = new boolean[n];
        Arrays.fill(allowed, true);
        if (c.nGroup() > 1) {
            int per = n / c.nGroup();
            List<Integer> groups = new ArrayList<>();
            double[] gs = new double[c.nGroup()];
            for (int g = 0; g < c.nGroup(); g++) {
                double[] vals = Arrays.copyOfRange(choice, g * per, (g + 1) * per);
                Arrays.sort(vals);
                gs[g] = c.topKMethodGroupSum() && per > 1 ? vals[per - 1] + vals[per - 2] : vals[per - 1];
                groups.add(g);
            }
            groups.sort(Comparator.comparingDouble((Integer g) -> -gs[g]));
            Arrays.fill(allowed, false);
            for (int j = 0; j < c.topkGroup(); j++) {
                int g = groups.get(j);
                for (int i = g * per; i < (g + 1) * per; i++) {
                    allowed[i] = true;
                }
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (allowed[i]) {
                order.add(i);
            }
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -choice[i]));
        double[] w = new double[n];
        double sum = 0;
        for (int j = 0; j < k; j++) {
            w[order.get(j)] = score[order.get(j)];
            sum += score[order.get(j)];
        }
        for (int i = 0; i < n; i++) {
            if (c.normTopKProb()) {
                w[i] /= sum;
            }
            w[i] *= c.routedScalingFactor();
        }
        return w;
    }

    /** Logits for every position of {@code tokens}, with {@code k} routed experts per token. */
    public double[][] logits(int[] tokens, int k) {
        int T = tokens.length, H = c.hiddenSize(), nh = c.numHeads();
        int nope = c.qkNopeHeadDim(), rd = c.qkRopeHeadDim(), vd = c.vHeadDim(), lora = c.kvLoraRank(), qk = nope + rd;
        double mscale = c.ropeScalingFactor() > 1 ? 1 + 0.1 * c.yarnMscaleAllDim() * Math.log(c.ropeScalingFactor()) : 1;
        double scale = mscale * mscale / Math.sqrt(qk);
        double[] freq = frequencies();
        double[] emb = t("model.embed_tokens.weight");
        double[][] x = new double[T][];
        for (int s = 0; s < T; s++) {
            x[s] = Arrays.copyOfRange(emb, tokens[s] * H, tokens[s] * H + H);
        }
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            double[][] q = new double[T][];
            double[][] kFull = new double[T][nh * qk];
            double[][] vFull = new double[T][nh * vd];
            for (int s = 0; s < T; s++) {
                double[] h = rms(x[s], t(p + "input_layernorm.weight"));
                if (c.qLoraRank() > 0) {
                    q[s] = mul(t(p + "self_attn.q_b_proj.weight"), rms(mul(t(p + "self_attn.q_a_proj.weight"), h), t(p + "self_attn.q_a_layernorm.weight")));
                } else {
                    q[s] = mul(t(p + "self_attn.q_proj.weight"), h);
                }
                for (int hh = 0; hh < nh; hh++) {
                    rope(q[s], hh * qk + nope, s, freq);
                }
                double[] kva = mul(t(p + "self_attn.kv_a_proj_with_mqa.weight"), h);
                double[] latent = rms(Arrays.copyOfRange(kva, 0, lora), t(p + "self_attn.kv_a_layernorm.weight"));
                double[] kpe = Arrays.copyOfRange(kva, lora, lora + rd);
                rope(kpe, 0, s, freq);
                double[] kv = mul(t(p + "self_attn.kv_b_proj.weight"), latent);
                for (int hh = 0; hh < nh; hh++) {
                    System.arraycopy(kv, hh * (nope + vd), kFull[s], hh * qk, nope);
                    System.arraycopy(kpe, 0, kFull[s], hh * qk + nope, rd);
                    System.arraycopy(kv, hh * (nope + vd) + nope, vFull[s], hh * vd, vd);
                }
            }
            double[][] out = new double[T][];
            for (int s = 0; s < T; s++) {
                double[] o = new double[nh * vd];
                for (int hh = 0; hh < nh; hh++) {
                    double[] sc = new double[s + 1];
                    double mx = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u <= s; u++) {
                        double d = 0;
                        for (int j = 0; j < qk; j++) {
                            d += q[s][hh * qk + j] * kFull[u][hh * qk + j];
                        }
                        sc[u] = d * scale;
                        mx = Math.max(mx, sc[u]);
                    }
                    double sum = 0;
                    for (int u = 0; u <= s; u++) {
                        sc[u] = Math.exp(sc[u] - mx);
                        sum += sc[u];
                    }
                    for (int u = 0; u <= s; u++) {
                        for (int j = 0; j < vd; j++) {
                            o[hh * vd + j] += sc[u] / sum * vFull[u][hh * vd + j];
                        }
                    }
                }
                out[s] = mul(t(p + "self_attn.o_proj.weight"), o);
            }
            for (int s = 0; s < T; s++) {
                for (int i = 0; i < H; i++) {
                    x[s][i] += out[s][i];
                }
                double[] h = rms(x[s], t(p + "post_attention_layernorm.weight"));
                double[] y = new double[H];
                if (c.isMoeLayer(l)) {
                    double[] logits = mul(t(p + "mlp.gate.weight"), h);
                    double[] bias = c.hasSelectionBias() ? t(p + "mlp.gate.e_score_correction_bias") : null;
                    double[] w = routingWeights(logits, bias, k);
                    for (int e = 0; e < c.nRoutedExperts(); e++) {
                        double[] ye = mlp(p + "mlp.experts." + e + ".", h); // every expert, then masked
                        for (int i = 0; i < H; i++) {
                            y[i] += w[e] * ye[i];
                        }
                    }
                    if (c.nSharedExperts() > 0) {
                        double[] ys = mlp(p + "mlp.shared_experts.", h);
                        for (int i = 0; i < H; i++) {
                            y[i] += ys[i];
                        }
                    }
                } else {
                    y = mlp(p + "mlp.", h);
                }
                for (int i = 0; i < H; i++) {
                    x[s][i] += y[i];
                }
            }
        }
        double[][] logits = new double[T][];
        for (int s = 0; s < T; s++) {
            logits[s] = mul(t("lm_head.weight"), rms(x[s], t("model.norm.weight")));
        }
        return logits;
    }
}
