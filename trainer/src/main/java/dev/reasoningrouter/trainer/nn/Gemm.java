package dev.reasoningrouter.trainer.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The trainer's matrix product on the Java Vector API: {@code C[M x N] (+)= A[M x K] . B[K x N]} with B and C row-major
 * and A read through strides, so one kernel serves the three products of a linear layer: the forward pass
 * ({@code X . W^T}, B = the cached transpose of W), the input gradient ({@code dY . W}, B = W itself) and the weight
 * gradient ({@code dY^T . X}, A = dY read transposed). The inner kernel keeps a 4 x 2-vector block of C in registers
 * and streams K; K is cut into blocks so the rows of B it reads stay in cache across the rows of A.
 */
public final class Gemm {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final int KC = 256;

    private Gemm() {}

    /**
     * {@code C[i*ldc + j] (+)= sum_k A[aOff + i*ars + k*acs] * B[bOff + k*ldb + j]} for i < m, j < n, k < kdim.
     *
     * @param accumulate add to C instead of overwriting it
     */
    public static void gemm(int m, int n, int kdim, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean accumulate) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
        }
        if (kdim == 0) {
            return;
        }
        for (int k0 = 0; k0 < kdim; k0 += KC) {
            int k1 = Math.min(kdim, k0 + KC);
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                int i = 0;
                for (; i + 4 <= m; i += 4) {
                    block4x2(i, j, k0, k1, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc);
                }
                for (; i < m; i++) {
                    block1x2(i, j, k0, k1, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc);
                }
            }
            for (; j < n; j += L) {
                VectorMask<Float> mask = F.indexInRange(j, n);
                int i = 0;
                for (; i + 4 <= m; i += 4) {
                    block4x1(i, j, mask, k0, k1, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc);
                }
                for (; i < m; i++) {
                    block1x1(i, j, mask, k0, k1, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc);
                }
            }
        }
    }

    private static void block4x2(int i, int j, int k0, int k1, float[] a, int aOff, int ars, int acs, float[] b, int bOff,
                                 int ldb, float[] c, int cOff, int ldc) {
        int c0 = cOff + i * ldc + j, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector s00 = FloatVector.fromArray(F, c, c0), s01 = FloatVector.fromArray(F, c, c0 + L);
        FloatVector s10 = FloatVector.fromArray(F, c, c1), s11 = FloatVector.fromArray(F, c, c1 + L);
        FloatVector s20 = FloatVector.fromArray(F, c, c2), s21 = FloatVector.fromArray(F, c, c2 + L);
        FloatVector s30 = FloatVector.fromArray(F, c, c3), s31 = FloatVector.fromArray(F, c, c3 + L);
        int a0 = aOff + i * ars + k0 * acs;
        int bi = bOff + k0 * ldb + j;
        for (int k = k0; k < k1; k++, a0 += acs, bi += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector x = FloatVector.broadcast(F, a[a0]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(F, a[a0 + ars]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(F, a[a0 + 2 * ars]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(F, a[a0 + 3 * ars]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
    }

    private static void block1x2(int i, int j, int k0, int k1, float[] a, int aOff, int ars, int acs, float[] b, int bOff,
                                 int ldb, float[] c, int cOff, int ldc) {
        int c0 = cOff + i * ldc + j;
        FloatVector s0 = FloatVector.fromArray(F, c, c0), s1 = FloatVector.fromArray(F, c, c0 + L);
        int a0 = aOff + i * ars + k0 * acs;
        int bi = bOff + k0 * ldb + j;
        for (int k = k0; k < k1; k++, a0 += acs, bi += ldb) {
            FloatVector x = FloatVector.broadcast(F, a[a0]);
            s0 = x.fma(FloatVector.fromArray(F, b, bi), s0);
            s1 = x.fma(FloatVector.fromArray(F, b, bi + L), s1);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + L);
    }

    private static void block4x1(int i, int j, VectorMask<Float> mask, int k0, int k1, float[] a, int aOff, int ars, int acs,
                                 float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        int c0 = cOff + i * ldc + j, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector s0 = FloatVector.fromArray(F, c, c0, mask), s1 = FloatVector.fromArray(F, c, c1, mask);
        FloatVector s2 = FloatVector.fromArray(F, c, c2, mask), s3 = FloatVector.fromArray(F, c, c3, mask);
        int a0 = aOff + i * ars + k0 * acs;
        int bi = bOff + k0 * ldb + j;
        for (int k = k0; k < k1; k++, a0 += acs, bi += ldb) {
            FloatVector bv = FloatVector.fromArray(F, b, bi, mask);
            s0 = FloatVector.broadcast(F, a[a0]).fma(bv, s0);
            s1 = FloatVector.broadcast(F, a[a0 + ars]).fma(bv, s1);
            s2 = FloatVector.broadcast(F, a[a0 + 2 * ars]).fma(bv, s2);
            s3 = FloatVector.broadcast(F, a[a0 + 3 * ars]).fma(bv, s3);
        }
        s0.intoArray(c, c0, mask);
        s1.intoArray(c, c1, mask);
        s2.intoArray(c, c2, mask);
        s3.intoArray(c, c3, mask);
    }

    private static void block1x1(int i, int j, VectorMask<Float> mask, int k0, int k1, float[] a, int aOff, int ars, int acs,
                                 float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        int c0 = cOff + i * ldc + j;
        FloatVector s = FloatVector.fromArray(F, c, c0, mask);
        int a0 = aOff + i * ars + k0 * acs;
        int bi = bOff + k0 * ldb + j;
        for (int k = k0; k < k1; k++, a0 += acs, bi += ldb) {
            s = FloatVector.broadcast(F, a[a0]).fma(FloatVector.fromArray(F, b, bi, mask), s);
        }
        s.intoArray(c, c0, mask);
    }

    /** {@code Y[m x out] = X[m x in] . W^T} with W stored [out x in] and its transpose {@code wt} [in x out]. */
    public static void forward(int m, int in, int out, float[] x, float[] wt, float[] y) {
        gemm(m, out, in, x, 0, in, 1, wt, 0, out, y, 0, out, false);
    }

    /** {@code dX[m x in] (+)= dY[m x out] . W} with W [out x in]. */
    public static void backwardInput(int m, int in, int out, float[] dy, float[] w, float[] dx, boolean accumulate) {
        gemm(m, in, out, dy, 0, out, 1, w, 0, in, dx, 0, in, accumulate);
    }

    /** {@code dW[out x in] += dY^T . X}. */
    public static void backwardWeight(int m, int in, int out, float[] dy, float[] x, float[] dw) {
        gemm(out, in, m, dy, 0, 1, out, x, 0, in, dw, 0, in, true);
    }

    /** {@code t[j*rows + i] = v[i*cols + j]}: the transpose of a row-major [rows x cols] matrix. */
    public static void transpose(float[] v, int rows, int cols, float[] t) {
        for (int i0 = 0; i0 < rows; i0 += 32) {
            for (int j0 = 0; j0 < cols; j0 += 32) {
                int i1 = Math.min(rows, i0 + 32), j1 = Math.min(cols, j0 + 32);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        t[j * rows + i] = v[i * cols + j];
                    }
                }
            }
        }
    }
}
