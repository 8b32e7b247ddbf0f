package dev.reasoningrouter.engine.model;

import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tensor.WeightMatrix;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sizes a model for reports: total and per-token active parameters and weight bytes for an expert budget, weight
 * types, and the KV cache per token in MLA form against what plain multi-head attention would keep.
 * "Active" counts every weight a token's forward pass reads: attention, dense FFNs, routers, shared experts,
 * {@code k} routed experts per MoE layer and the LM head (the embedding table is a one-row lookup, excluded).
 */
public final class ModelStats {
    private final ModelConfig c;
    private final ModelWeights w;

    public ModelStats(ModelConfig c, ModelWeights w) {
        this.c = c;
        this.w = w;
    }

    private static long params(WeightMatrix m) {
        return m == null ? 0 : m.elementCount();
    }

    private static long bytes(WeightMatrix m) {
        return m == null ? 0 : m.byteSize();
    }

    private long[] alwaysOn() {
        long p = 0, b = 0;
        for (ModelWeights.Layer l : w.layers()) {
            ModelWeights.Attention a = l.attention();
            for (WeightMatrix m : new WeightMatrix[] {a.wq(), a.wqA(), a.wqB(), a.wkvA(), a.wo()}) {
                p += params(m);
                b += bytes(m);
            }
            for (int h = 0; h < a.keyUp().length; h++) {
                p += params(a.keyUp()[h]) + params(a.valueUp()[h]);
                b += bytes(a.keyUp()[h]) + bytes(a.valueUp()[h]);
            }
            for (ModelWeights.Ffn f : new ModelWeights.Ffn[] {l.dense(), l.moe() == null ? null : l.moe().shared()}) {
                if (f != null) {
                    p += params(f.gate()) + params(f.up()) + params(f.down());
                    b += bytes(f.gate()) + bytes(f.up()) + bytes(f.down());
                }
            }
            if (l.moe() != null) {
                p += params(l.moe().router());
                b += bytes(l.moe().router());
            }
        }
        p += params(w.output());
        b += bytes(w.output());
        return new long[] {p, b};
    }

    private long[] perExpertPerToken() {
        long p = 0, b = 0;
        for (ModelWeights.Layer l : w.layers()) {
            if (l.moe() != null) {
                ModelWeights.Ffn f = l.moe().experts()[0];
                p += params(f.gate()) + params(f.up()) + params(f.down());
                b += bytes(f.gate()) + bytes(f.up()) + bytes(f.down());
            }
        }
        return new long[] {p, b};
    }

    /** Parameters a token reads with {@code k} routed experts per MoE layer. */
    public long activeParameters(int k) {
        return alwaysOn()[0] + k * perExpertPerToken()[0];
    }

    /** Weight bytes a token reads with {@code k} routed experts (what decode speed is bound by). */
    public long activeWeightBytes(int k) {
        return alwaysOn()[1] + k * perExpertPerToken()[1];
    }

    public long totalParameters() {
        long p = params(w.tokenEmbedding()) + (w.output() == w.tokenEmbedding() ? 0 : params(w.output()));
        p += alwaysOn()[0] - params(w.output());
        p += (long) c.nRoutedExperts() * perExpertPerToken()[0];
        return p;
    }

    public long totalWeightBytes() {
        long b = bytes(w.tokenEmbedding()) + (w.output() == w.tokenEmbedding() ? 0 : bytes(w.output()));
        b += alwaysOn()[1] - bytes(w.output());
        b += (long) c.nRoutedExperts() * perExpertPerToken()[1];
        return b;
    }

    /** Matrix count by stored type. */
    public Map<GgmlType, Long> typeCounts() {
        Map<GgmlType, Long> m = new TreeMap<>();
        java.util.function.Consumer<WeightMatrix> add = x -> {
            if (x != null) {
                m.merge(x.type(), 1L, Long::sum);
            }
        };
        add.accept(w.tokenEmbedding());
        if (w.output() != w.tokenEmbedding()) {
            add.accept(w.output());
        }
        for (ModelWeights.Layer l : w.layers()) {
            ModelWeights.Attention a = l.attention();
            for (WeightMatrix x : new WeightMatrix[] {a.wq(), a.wqA(), a.wqB(), a.wkvA(), a.wo(), a.keyUp()[0], a.valueUp()[0]}) {
                add.accept(x);
            }
            if (l.dense() != null) {
                add.accept(l.dense().gate());
                add.accept(l.dense().up());
                add.accept(l.dense().down());
            }
            if (l.moe() != null) {
                add.accept(l.moe().router());
                add.accept(l.moe().experts()[0].gate());
                add.accept(l.moe().experts()[0].up());
                add.accept(l.moe().experts()[0].down());
            }
        }
        return m;
    }

    /** Cache elements per token in MLA form: per layer the latent plus the rotary key. */
    public long mlaCacheElementsPerToken() {
        return (long) c.numLayers() * (c.kvLoraRank() + c.qkRopeHeadDim());
    }

    /** What plain multi-head attention would cache per token: per layer and head a full key and value. */
    public long mhaCacheElementsPerToken() {
        return (long) c.numLayers() * c.numHeads() * (c.qkHeadDim() + c.vHeadDim());
    }
}
