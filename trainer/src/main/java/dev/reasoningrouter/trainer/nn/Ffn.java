package dev.reasoningrouter.trainer.nn;

/** A SwiGLU feed-forward {@code down(silu(gate x) * up x)} over rows, forward and backward. */
final class Ffn {
    final Parameter gate, up, down;
    private final int d, inter;

    Ffn(Parameter gate, Parameter up, Parameter down) {
        this.gate = gate;
        this.up = up;
        this.down = down;
        this.d = gate.cols();
        this.inter = gate.rows();
    }

    int inter() {
        return inter;
    }

    static final class State {
        float[] x, g, u, a, dA, dG, dU;
        int n;
    }

    /** {@code out = ffn(x)} for {@code n} rows; keeps what backward needs in {@code s} (x is kept by reference). */
    void forward(State s, int n, float[] x, float[] out) {
        s.n = n;
        s.x = x;
        s.g = Kernels.grow(s.g, n * inter);
        s.u = Kernels.grow(s.u, n * inter);
        s.a = Kernels.grow(s.a, n * inter);
        Gemm.forward(n, d, inter, x, gate.transposed(), s.g);
        Gemm.forward(n, d, inter, x, up.transposed(), s.u);
        Kernels.swiglu(s.g, s.u, s.a, n * inter);
        Gemm.forward(n, inter, d, s.a, down.transposed(), out);
    }

    /** From {@code dOut} [n x d]: weight gradients into {@code grads}, the input gradient into (or onto) {@code dx}. */
    void backward(State s, float[] dOut, float[] dx, boolean accumulate, Gradients grads) {
        int n = s.n;
        s.dA = Kernels.grow(s.dA, n * inter);
        s.dG = Kernels.grow(s.dG, n * inter);
        s.dU = Kernels.grow(s.dU, n * inter);
        Gemm.backwardWeight(n, inter, d, dOut, s.a, grads.of(down));
        Gemm.backwardInput(n, inter, d, dOut, down.value(), s.dA, false);
        Kernels.swigluBackward(s.g, s.u, s.dA, s.dG, s.dU, n * inter);
        Gemm.backwardWeight(n, d, inter, s.dG, s.x, grads.of(gate));
        Gemm.backwardWeight(n, d, inter, s.dU, s.x, grads.of(up));
        Gemm.backwardInput(n, d, inter, s.dG, gate.value(), dx, accumulate);
        Gemm.backwardInput(n, d, inter, s.dU, up.value(), dx, true);
    }
}
