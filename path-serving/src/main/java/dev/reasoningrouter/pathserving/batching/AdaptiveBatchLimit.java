package dev.reasoningrouter.pathserving.batching;

import dev.reasoningrouter.engine.generate.BatchLimit;
import dev.reasoningrouter.pathserving.power.PowerGuard;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A decode batch size that follows a time-per-output-token target and the load: every sequence in a step gets one
 * token per step, so the step time is each stream's time per output token. While requests wait and steps are well
 * under the target, the limit grows by one (additive increase); when a step's time (smoothed) goes over the target it
 * shrinks by a quarter (multiplicative decrease), never below one or above the ceiling. On a GPU near its power or
 * temperature limit the {@link PowerGuard} caps it at half the ceiling until the card has headroom again. Changes
 * are spaced by a few steps so one slow step does not swing it.
 */
public final class AdaptiveBatchLimit implements BatchLimit {

    /** Why the limit is what it is: {@code start}, {@code tpot-up}, {@code tpot-down}, {@code power}, {@code temperature}. */
    public record Decision(int limit, String cause, long atMillis) {}

    /** The causes of a change, for metrics. */
    public static final List<String> CAUSES = List.of("tpot-up", "tpot-down", "power", "temperature");
    static final int COOLDOWN_STEPS = 8;
    private static final double GROW_BELOW = 0.7;
    private static final double SHRINK_ABOVE = 1.1;

    private final int ceiling;
    private final long targetNanos;
    private final Supplier<PowerGuard.Verdict> guard;
    private volatile int limit;
    private volatile Decision decision;
    private volatile double smoothedNanos = -1;
    private int sinceChange;
    private final Map<String, AtomicLong> changes = new ConcurrentHashMap<>();

    /**
     * @param ceiling     the most sequences a step may ever hold ({@code rr.model.max-batch})
     * @param targetTpot  the time per output token to stay under
     * @param guard       the power and temperature verdict, asked every step (cheap: it reads the latest sample)
     */
    public AdaptiveBatchLimit(int ceiling, Duration targetTpot, Supplier<PowerGuard.Verdict> guard) {
        if (ceiling < 1) {
            throw new IllegalArgumentException("the batch ceiling must be at least 1, got " + ceiling);
        }
        if (targetTpot == null || targetTpot.isNegative() || targetTpot.isZero()) {
            throw new IllegalArgumentException("rr.batching.target-tpot must be positive, got " + targetTpot);
        }
        this.ceiling = ceiling;
        this.targetNanos = targetTpot.toNanos();
        this.guard = guard;
        this.limit = ceiling;
        this.decision = new Decision(ceiling, "start", System.currentTimeMillis());
    }

    @Override
    public int maxActive() {
        return limit;
    }

    @Override
    public synchronized void stepDone(int rows, long nanos, int waiting) {
        smoothedNanos = smoothedNanos < 0 ? nanos : 0.7 * smoothedNanos + 0.3 * nanos;
        sinceChange++;
        PowerGuard.Verdict power = guard.get();
        int cap = power.backOff() ? Math.max(1, ceiling / 2) : ceiling;
        if (limit > cap) {
            set(cap, power.cause());
            return;
        }
        if (sinceChange < COOLDOWN_STEPS) {
            return;
        }
        if (smoothedNanos > SHRINK_ABOVE * targetNanos && limit > 1 && rows > 1) {
            set(Math.max(1, Math.min(limit, rows) * 3 / 4), "tpot-down");
        } else if (smoothedNanos < GROW_BELOW * targetNanos && waiting > 0 && rows >= limit && limit < cap) {
            set(limit + 1, "tpot-up");
        }
    }

    private void set(int newLimit, String cause) {
        if (newLimit != limit) {
            limit = newLimit;
            decision = new Decision(newLimit, cause, System.currentTimeMillis());
            changes.computeIfAbsent(cause, c -> new AtomicLong()).incrementAndGet();
        }
        sinceChange = 0;
    }

    public int ceiling() {
        return ceiling;
    }

    /** How many times the limit changed for {@code cause}. */
    public long changes(String cause) {
        AtomicLong n = changes.get(cause);
        return n == null ? 0 : n.get();
    }

    /** The last change and its cause. */
    public Decision decision() {
        return decision;
    }

    /** The smoothed step time in seconds (each stream's time per output token), or 0 before the first step. */
    public double smoothedStepSeconds() {
        return Math.max(0, smoothedNanos) / 1e9;
    }
}
