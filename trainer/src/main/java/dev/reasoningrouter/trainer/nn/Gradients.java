package dev.reasoningrouter.trainer.nn;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** One worker's gradient buffers, one per trainable parameter, summed over the rows it ran. */
public final class Gradients {
    private final List<Parameter> params;
    private final Map<Parameter, float[]> grads = new IdentityHashMap<>();

    public Gradients(List<Parameter> params) {
        this.params = List.copyOf(params);
        for (Parameter p : params) {
            if (p.trainable()) {
                grads.put(p, new float[p.size()]);
            }
        }
    }

    public float[] of(Parameter p) {
        float[] g = grads.get(p);
        if (g == null) {
            throw new IllegalArgumentException("no gradient for " + p.name());
        }
        return g;
    }

    public void zero() {
        for (float[] g : grads.values()) {
            java.util.Arrays.fill(g, 0f);
        }
    }

    /** Adds another worker's gradients into these. */
    public void add(Gradients other) {
        for (Parameter p : params) {
            if (p.trainable()) {
                Kernels.add(other.of(p), of(p), p.size());
            }
        }
    }

    /** The L2 norm over all gradients. */
    public double norm() {
        double s = 0;
        for (float[] g : grads.values()) {
            for (float v : g) {
                s += (double) v * v;
            }
        }
        return Math.sqrt(s);
    }

    public void scale(float f) {
        for (float[] g : grads.values()) {
            for (int i = 0; i < g.length; i++) {
                g[i] *= f;
            }
        }
    }
}
