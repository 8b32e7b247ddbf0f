package dev.reasoningrouter.trainer.optim;

import dev.reasoningrouter.trainer.nn.Gradients;
import dev.reasoningrouter.trainer.nn.Parameter;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (decoupled weight decay) over the trainable parameters, with bias-corrected moments. Weight decay applies to
 * linear-layer matrices only, not to norms or the embedding.
 */
public final class AdamW {
    private final List<Parameter> params;
    private final Map<Parameter, float[]> m = new IdentityHashMap<>();
    private final Map<Parameter, float[]> v = new IdentityHashMap<>();
    private final double beta1, beta2, eps, weightDecay;
    private long step;

    public AdamW(List<Parameter> params, double beta1, double beta2, double eps, double weightDecay) {
        this.params = params.stream().filter(Parameter::trainable).toList();
        for (Parameter p : this.params) {
            m.put(p, new float[p.size()]);
            v.put(p, new float[p.size()]);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** One update with learning rate {@code lr}. */
    public void update(Gradients grads, double lr) {
        step++;
        double c1 = 1 - Math.pow(beta1, step), c2 = 1 - Math.pow(beta2, step);
        float b1 = (float) beta1, b2 = (float) beta2;
        for (Parameter p : params) {
            float[] w = p.value(), g = grads.of(p), mp = m.get(p), vp = v.get(p);
            float decay = p.role() == Parameter.Role.MATRIX ? (float) (1 - lr * weightDecay) : 1f;
            float stepSize = (float) (lr / c1);
            float invC2 = (float) (1 / c2);
            float e = (float) eps;
            for (int i = 0; i < w.length; i++) {
                float gi = g[i];
                float mi = b1 * mp[i] + (1 - b1) * gi;
                float vi = b2 * vp[i] + (1 - b2) * gi * gi;
                mp[i] = mi;
                vp[i] = vi;
                w[i] = w[i] * decay - stepSize * mi / ((float) Math.sqrt(vi * invC2) + e);
            }
        }
    }

    public long step() {
        return step;
    }

    /** The optimiser's state of a parameter: first and second moments (live arrays, for checkpoints). */
    public float[] firstMoment(Parameter p) {
        return m.get(p);
    }

    public float[] secondMoment(Parameter p) {
        return v.get(p);
    }

    /** Restores the step counter (the moments are restored through their live arrays). */
    public void setStep(long step) {
        this.step = step;
    }
}
