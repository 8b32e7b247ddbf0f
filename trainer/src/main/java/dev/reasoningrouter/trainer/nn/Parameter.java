package dev.reasoningrouter.trainer.nn;

import java.util.Arrays;

/**
 * One named tensor of the model in Hugging Face's DeepSeek layout ({@code [out, in]} for matrices), with its values,
 * a cached transpose for matrices (what the forward product reads, refreshed after every update) and its role, which
 * decides how the optimiser treats it.
 */
public final class Parameter {

    /** How a tensor is trained. */
    public enum Role {
        /** A linear layer's weight: AdamW with weight decay. */
        MATRIX,
        /** The token embedding: AdamW without decay. */
        EMBEDDING,
        /** A norm's scale: AdamW without decay. */
        NORM,
        /** The router's selection bias: not trained by gradients, moved by the load-balancing rule. */
        SELECTION_BIAS
    }

    private final String name;
    private final int[] shape;
    private final Role role;
    private final float[] value;
    private final float[] transposed;

    public Parameter(String name, Role role, int... shape) {
        this.name = name;
        this.role = role;
        this.shape = shape.clone();
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        this.value = new float[n];
        this.transposed = shape.length == 2 && role == Role.MATRIX ? new float[n] : null;
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    public Role role() {
        return role;
    }

    public boolean trainable() {
        return role != Role.SELECTION_BIAS;
    }

    /** The values, row-major (live: the optimiser updates them in place). */
    public float[] value() {
        return value;
    }

    public int size() {
        return value.length;
    }

    public int rows() {
        return shape[0];
    }

    public int cols() {
        return shape.length > 1 ? shape[1] : 1;
    }

    /** The transpose {@code [in, out]} of a matrix, as of the last {@link #refresh()}. */
    public float[] transposed() {
        if (transposed == null) {
            throw new IllegalStateException(name + " has no transpose");
        }
        return transposed;
    }

    /** Brings the cached transpose up to date after the values changed. */
    public void refresh() {
        if (transposed != null) {
            Gemm.transpose(value, shape[0], shape[1], transposed);
        }
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
