package dev.reasoningrouter.engine.kernels.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** Plain double-precision references for every kernel, written from the model's definitions, not from the CUDA code. */
final class CudaReference {

    private CudaReference() {}

    /** y[b][r] = sum_c w[r][c] * x[b][c]. */
    static double[][] matmul(float[] w, int rows, int cols, float[][] x) {
        double[][] y = new double[x.length][rows];
        for (int b = 0; b < x.length; b++)
            for (int r = 0; r < rows; r++) {
                double s = 0;
                for (int c = 0; c < cols; c++) s += (double) w[r * cols + c] * x[b][c];
                y[b][r] = s;
            }
        return y;
    }

    /** The scale an fp32 dot product's rounding error is measured against: sum |w x|. */
    static double magnitude(float[] w, int row, int cols, float[] x) {
        double s = 0;
        for (int c = 0; c < cols; c++) s += Math.abs((double) w[row * cols + c] * x[c]);
        return s;
    }

    static double silu(double g) { return g / (1 + Math.exp(-g)); }

    static double[] rmsNorm(float[] x, float[] w, double eps) {
        double ss = 0;
        for (float v : x) ss += (double) v * v;
        double inv = 1 / Math.sqrt(ss / x.length + eps);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] * inv * w[i];
        return y;
    }

    /** ggml's rope_yarn over adjacent pairs, in double. */
    static double[] rope(float[] x, int nRot, int pos, RopeYarn p) {
        double[] y = new double[nRot];
        for (int i = 0; i < nRot / 2; i++) {
            double thetaExtrap = pos * Math.pow(p.freqBase(), -2.0 * i / nRot);
            double thetaInterp = p.freqScale() * thetaExtrap;
            double theta = thetaInterp, mscale = p.attnFactor();
            if (p.extFactor() != 0) {
                double yv = (i - p.corrLow()) / Math.max(0.001, p.corrHigh() - p.corrLow());
                double ramp = 1 - Math.min(1, Math.max(0, yv));
                double mix = ramp * p.extFactor();
                theta = thetaInterp * (1 - mix) + thetaExtrap * mix;
                mscale *= 1 + 0.1 * Math.log(1 / p.freqScale());
            }
            double c = Math.cos(theta) * mscale, s = Math.sin(theta) * mscale;
            y[2 * i] = x[2 * i] * c - x[2 * i + 1] * s;
            y[2 * i + 1] = x[2 * i] * s + x[2 * i + 1] * c;
        }
        return y;
    }

    /** Naive absorbed MLA for one head: softmax over all cached tokens, output in the latent space. */
    static double[] mla(float[] qLat, float[] qPe, float[] cache, int ldCache, int nKv, int kvRank, int ropeDim, double scale) {
        double[] s = new double[nKv];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < nKv; t++) {
            double d = 0;
            for (int i = 0; i < kvRank; i++) d += (double) qLat[i] * cache[t * ldCache + i];
            for (int i = 0; i < ropeDim; i++) d += (double) qPe[i] * cache[t * ldCache + kvRank + i];
            s[t] = d * scale;
            max = Math.max(max, s[t]);
        }
        double sum = 0;
        for (int t = 0; t < nKv; t++) { s[t] = Math.exp(s[t] - max); sum += s[t]; }
        double[] out = new double[kvRank];
        for (int t = 0; t < nKv; t++)
            for (int i = 0; i < kvRank; i++) out[i] += s[t] / sum * cache[t * ldCache + i];
        return out;
    }

    record Routing(int[] experts, double[] weights) {}

    /** DeepSeekMoE routing as the HF reference code describes it (masked groups never selected). */
    static Routing moeGate(float[] logits, float[] bias, MoeGating g, int k) {
        int n = logits.length;
        double[] score = new double[n];
        if (g.sigmoid()) {
            for (int e = 0; e < n; e++) score[e] = 1 / (1 + Math.exp(-logits[e]));
        } else {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float l : logits) max = Math.max(max, l);
            for (int e = 0; e < n; e++) { score[e] = Math.exp(logits[e] - max); sum += score[e]; }
            for (int e = 0; e < n; e++) score[e] /= sum;
        }
        double[] sel = new double[n];
        for (int e = 0; e < n; e++) sel[e] = score[e] + (bias == null ? 0 : bias[e]);
        if (g.groups() > 1 && g.topkGroups() < g.groups()) {
            int per = n / g.groups();
            double[] gs = new double[g.groups()];
            for (int gi = 0; gi < g.groups(); gi++) {
                double[] v = Arrays.copyOfRange(sel, gi * per, (gi + 1) * per);
                Arrays.sort(v);
                gs[gi] = g.groupTop2Sum() ? v[per - 1] + v[per - 2] : v[per - 1];
            }
            List<Integer> order = new ArrayList<>(IntStream.range(0, g.groups()).boxed().toList());
            order.sort(Comparator.comparingDouble((Integer i) -> -gs[i]).thenComparingInt(i -> i));
            boolean[] kept = new boolean[g.groups()];
            for (int r = 0; r < g.topkGroups(); r++) kept[order.get(r)] = true;
            for (int e = 0; e < n; e++) if (!kept[e / per]) sel[e] = Double.NEGATIVE_INFINITY;
        }
        Integer[] idx = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> -sel[i]).thenComparingInt(i -> i));
        int[] ex = new int[k];
        double[] w = new double[k];
        double sum = 0;
        for (int r = 0; r < k; r++) { ex[r] = idx[r]; w[r] = score[idx[r]]; sum += w[r]; }
        for (int r = 0; r < k; r++) w[r] = (g.normTopk() ? w[r] / sum : w[r]) * g.routeScale();
        return new Routing(ex, w);
    }

    /** Top-p by sorting: the smallest set of most likely tokens whose mass reaches topP; then index order with u. */
    static int sampleTopP(float[] logits, double temperature, double topP, double u) {
        int n = logits.length;
        double[] p = softmax(logits, temperature);
        Integer[] idx = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> -p[i]));
        boolean[] kept = new boolean[n];
        double mass = 0;
        for (int r = 0; r < n && (r == 0 || mass < topP); r++) { kept[idx[r]] = true; mass += p[idx[r]]; }
        double target = u * mass, run = 0;
        int last = -1;
        for (int i = 0; i < n; i++) {
            if (!kept[i]) continue;
            last = i;
            run += p[i];
            if (run > target) return i;
        }
        return last;
    }

    static double[] softmax(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float l : logits) max = Math.max(max, l / temperature);
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) { p[i] = Math.exp(logits[i] / temperature - max); sum += p[i]; }
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }
}
