package dev.reasoningrouter.trainer.optim;

import dev.reasoningrouter.trainer.nn.Parameter;

/**
 * DeepSeek-V3's auxiliary-loss-free load balancing: after each step, every routed expert's selection bias moves by a
 * fixed amount towards the mean load: up when the expert was chosen less often than average, down when more. The bias
 * only steers the choice of experts; it never enters the weights, so balancing costs the model no quality gradient.
 */
public final class ExpertBalancer {
    private ExpertBalancer() {}

    /** Moves {@code bias} by {@code rate} times the sign of (mean load - load) per expert. */
    public static void update(Parameter bias, long[] loads, double rate) {
        long total = 0;
        for (long l : loads) {
            total += l;
        }
        if (total == 0) {
            return;
        }
        double mean = (double) total / loads.length;
        float[] b = bias.value();
        for (int e = 0; e < loads.length; e++) {
            b[e] += (float) (rate * Math.signum(mean - loads[e]));
        }
    }

    /** How uneven the loads are: the largest load over the mean (1 = perfectly balanced). */
    public static double imbalance(long[] loads) {
        long total = 0, max = 0;
        for (long l : loads) {
            total += l;
            max = Math.max(max, l);
        }
        return total == 0 ? 1.0 : max / ((double) total / loads.length);
    }
}
