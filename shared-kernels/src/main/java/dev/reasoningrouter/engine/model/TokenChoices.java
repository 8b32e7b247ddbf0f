package dev.reasoningrouter.engine.model;

import java.util.Arrays;

/**
 * Per-row next-token choices for {@link DeviceTokenChoice#forward(LatentKvCache[], int[], int, int[], boolean[], TokenChoices)}:
 * before the step, what each row wants chosen ({@link Mode#NONE}, {@link Mode#GREEDY}, or {@link Mode#SAMPLE} with a
 * temperature, a top-p and a uniform the caller drew from the sequence's seeded random source); after it, the chosen
 * token and its log-probability. The caller owns one instance and reuses it step after step (no allocation per
 * step); it must set every row of a step.
 *
 * <p>Conventions, the same as the host sampler's: greedy is the argmax, ties to the lower id; sampling keeps the
 * smallest set of most likely tokens whose probability under {@code softmax(logits / temperature)} reaches top-p
 * (1 = every token) and picks from it with the uniform; the log-probability is that of the model's distribution,
 * {@code log softmax(logits)[token]} at temperature 1, before top-p, whatever the row's temperature.
 */
public final class TokenChoices {

    /** What a row wants chosen. */
    public enum Mode {
        /** nothing: a prompt row, or a row whose logits go to the host */
        NONE,
        /** the argmax (temperature 0) */
        GREEDY,
        /** temperature + top-p with the row's uniform */
        SAMPLE
    }

    private Mode[] mode;
    private float[] temperature, topP, uniform, logprob;
    private int[] token;

    public TokenChoices(int rows) {
        mode = new Mode[Math.max(1, rows)];
        Arrays.fill(mode, Mode.NONE);
        temperature = new float[mode.length];
        topP = new float[mode.length];
        uniform = new float[mode.length];
        logprob = new float[mode.length];
        token = new int[mode.length];
    }

    /**
     * Whether the device kernels can sample with these settings exactly as specified: temperature 0 (greedy), or a
     * temperature whose float value is positive with a finite reciprocal (the kernels scale by {@code 1 / T} in
     * float). Below about 2.9e-39 (1 / Float.MAX_VALUE) the host samples instead.
     */
    public static boolean canChoose(double temperature) {
        if (temperature == 0) {
            return true;
        }
        float t = (float) temperature;
        return t > 0 && Float.isFinite(t) && Float.isFinite(1f / t);
    }

    /** Rows this holds. */
    public int rows() {
        return mode.length;
    }

    /** Makes room for {@code n} rows (what they held is lost when it grows). */
    public void ensureRows(int n) {
        if (n > mode.length) {
            TokenChoices grown = new TokenChoices(Math.max(n, 2 * mode.length));
            mode = grown.mode;
            temperature = grown.temperature;
            topP = grown.topP;
            uniform = grown.uniform;
            logprob = grown.logprob;
            token = grown.token;
        }
    }

    public void none(int row) {
        mode[row] = Mode.NONE;
        token[row] = -1;
    }

    public void greedy(int row) {
        mode[row] = Mode.GREEDY;
        token[row] = -1;
    }

    /** @param uniform in [0, 1), from the sequence's seeded random source */
    public void sample(int row, double temperature, double topP, float uniform) {
        if (temperature == 0 || !canChoose(temperature)) {
            throw new IllegalArgumentException("temperature " + temperature + " cannot be sampled on the device (use greedy for 0)");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (!(uniform >= 0 && uniform < 1)) {
            throw new IllegalArgumentException("the uniform must be in [0, 1), got " + uniform);
        }
        mode[row] = Mode.SAMPLE;
        this.temperature[row] = (float) temperature;
        this.topP[row] = (float) topP;
        this.uniform[row] = uniform;
        token[row] = -1;
    }

    public Mode mode(int row) {
        return mode[row];
    }

    public boolean chooses(int row) {
        return mode[row] != Mode.NONE;
    }

    public float temperature(int row) {
        return temperature[row];
    }

    public float topP(int row) {
        return topP[row];
    }

    public float uniform(int row) {
        return uniform[row];
    }

    /** Called by the model with its answer for a choosing row. */
    public void chosen(int row, int tokenId, float logProbability) {
        token[row] = tokenId;
        logprob[row] = logProbability;
    }

    /** The token chosen for {@code row} by the last step (-1 if none was). */
    public int token(int row) {
        return token[row];
    }

    /** The chosen token's log-probability under the model's distribution (temperature 1, before top-p). */
    public float logprob(int row) {
        return logprob[row];
    }
}
