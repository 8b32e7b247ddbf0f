package dev.reasoningrouter.engine.generate;

/**
 * How many sequences a {@link BatchingGenerator} decodes together, asked before every step. A serving process plugs
 * in an adaptive policy (a time-per-output-token target, a GPU's power and temperature headroom); sequences already
 * decoding are never evicted when the limit drops, new ones just wait until there is room.
 */
public interface BatchLimit {

    /** The most sequences the next decode step may hold (at least 1). */
    int maxActive();

    /** Told after every decode step: how many sequences it held, how long it took and how many were waiting. */
    default void stepDone(int rows, long nanos, int waiting) {}

    /** A fixed limit. */
    static BatchLimit fixed(int maxActive) {
        if (maxActive < 1) {
            throw new IllegalArgumentException("the batch limit must be at least 1, got " + maxActive);
        }
        return () -> maxActive;
    }
}
