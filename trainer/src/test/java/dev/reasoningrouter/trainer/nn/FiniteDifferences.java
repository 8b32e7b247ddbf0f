package dev.reasoningrouter.trainer.nn;

import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * Central finite differences along directions: the analytic directional derivative {@code g . v} against
 * {@code (L(x + eps v) - L(x - eps v)) / 2 eps}, for v the normalised gradient itself and a random unit direction.
 * Errors are relative to {@code |g|}, so a missing, extra or mis-scaled gradient component shows in one of the two.
 */
final class FiniteDifferences {
    private FiniteDifferences() {}

    /**
     * @param x       the values to perturb (restored afterwards)
     * @param g       the analytic gradient of the loss with respect to x
     * @param refresh run after every change of x (e.g. to update cached transposes)
     * @return the larger relative error of the two directions
     */
    static double worstError(DoubleSupplier loss, float[] x, float[] g, Runnable refresh, double eps, long seed) {
        double gn = 0;
        for (float v : g) {
            gn += (double) v * v;
        }
        gn = Math.sqrt(gn);
        if (gn == 0) {
            throw new AssertionError("the gradient is zero: nothing to check");
        }
        Random r = new Random(seed);
        double worst = 0;
        for (int mode = 0; mode < 2; mode++) {
            double[] dir = new double[x.length];
            double dn = 0;
            for (int i = 0; i < x.length; i++) {
                dir[i] = mode == 0 ? g[i] : r.nextGaussian();
                dn += dir[i] * dir[i];
            }
            dn = Math.sqrt(dn);
            double analytic = 0;
            for (int i = 0; i < x.length; i++) {
                dir[i] /= dn;
                analytic += g[i] * dir[i];
            }
            float[] orig = x.clone();
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (orig[i] + eps * dir[i]);
            }
            refresh.run();
            double plus = loss.getAsDouble();
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (orig[i] - eps * dir[i]);
            }
            refresh.run();
            double minus = loss.getAsDouble();
            System.arraycopy(orig, 0, x, 0, x.length);
            refresh.run();
            double numeric = (plus - minus) / (2 * eps);
            worst = Math.max(worst, Math.abs(numeric - analytic) / gn);
        }
        return worst;
    }

    static float[] gaussian(Random r, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        return v;
    }

    /** {@code sum(r * y)} in double: a loss whose gradient with respect to y is r. */
    static double project(float[] y, float[] r, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) y[i] * r[i];
        }
        return s;
    }
}
