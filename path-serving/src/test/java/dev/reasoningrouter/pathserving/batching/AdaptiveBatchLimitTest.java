package dev.reasoningrouter.pathserving.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reasoningrouter.pathserving.power.PowerGuard;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AdaptiveBatchLimitTest {
    static final long MS = 1_000_000;
    static final PowerGuard.Verdict COOL = new PowerGuard.Verdict(false, "none", "cool");

    /** Runs {@code steps} decode steps of a batch filled to the limit, each taking {@code perRowMs} per row plus 5 ms. */
    static void load(AdaptiveBatchLimit l, int steps, double perRowMs, int waiting) {
        for (int i = 0; i < steps; i++) {
            int rows = l.maxActive();
            l.stepDone(rows, (long) ((5 + perRowMs * rows) * MS), waiting);
        }
    }

    @Test
    void shrinksWhenStepsGoOverTheTargetAndGrowsBackUnderLoadWhenTheyAreFast() {
        AtomicReference<PowerGuard.Verdict> power = new AtomicReference<>(COOL);
        AdaptiveBatchLimit l = new AdaptiveBatchLimit(16, Duration.ofMillis(100), power::get);
        assertEquals(16, l.maxActive(), "starts at the ceiling");
        load(l, 200, 20, 10); // 16 rows = 325 ms per token: far over 100 ms
        assertTrue(l.maxActive() <= 6, "a slow batch shrinks until the step time fits: " + l.maxActive());
        assertEquals("tpot-down", l.decision().cause());
        assertTrue(l.changes("tpot-down") > 0);
        int settled = l.maxActive();
        assertTrue((5 + 20 * settled) <= 110 || settled == 1, "the step time is near the target at " + settled);

        load(l, 400, 2, 10); // the model got fast (say a shorter context): 16 rows = 37 ms
        assertEquals(16, l.maxActive(), "under load and well under the target it grows back to the ceiling");
        assertEquals("tpot-up", l.decision().cause());
    }

    @Test
    void doesNotGrowWithoutLoadAndNeverLeavesItsBounds() {
        AdaptiveBatchLimit l = new AdaptiveBatchLimit(4, Duration.ofMillis(100), () -> COOL);
        load(l, 100, 200, 0);
        assertEquals(1, l.maxActive(), "even one row over the target does not go below one");
        load(l, 100, 1, 0);
        assertEquals(1, l.maxActive(), "nobody waits: no reason to grow");
        load(l, 100, 1, 3);
        assertEquals(4, l.maxActive(), "never above the ceiling");
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveBatchLimit(0, Duration.ofMillis(1), () -> COOL));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveBatchLimit(2, Duration.ZERO, () -> COOL));
    }

    @Test
    void backsOffNearTheGpusPowerOrTemperatureLimitAndRecoversAfter() {
        AtomicReference<PowerGuard.Verdict> power = new AtomicReference<>(COOL);
        AdaptiveBatchLimit l = new AdaptiveBatchLimit(16, Duration.ofMillis(100), power::get);
        power.set(new PowerGuard.Verdict(true, "power", "690 W of a 700 W limit"));
        l.stepDone(16, 20 * MS, 5);
        assertEquals(8, l.maxActive(), "at the power limit the batch is halved at once");
        assertEquals("power", l.decision().cause());
        load(l, 100, 1, 10);
        assertEquals(8, l.maxActive(), "and stays capped while the card is at its limit, however fast the steps");
        power.set(new PowerGuard.Verdict(true, "temperature", "88 C"));
        load(l, 10, 1, 10);
        assertEquals(8, l.maxActive());
        power.set(COOL);
        load(l, 200, 1, 10);
        assertEquals(16, l.maxActive(), "with headroom again it grows back");
    }
}
