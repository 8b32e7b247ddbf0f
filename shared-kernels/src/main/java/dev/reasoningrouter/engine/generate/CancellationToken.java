package dev.reasoningrouter.engine.generate;

/**
 * Lets a caller stop a sequence; the generator checks it before every step and finishes with CANCELLED. A token may
 * have a parent (cancelling the parent cancels it) and a deadline (it counts as cancelled from then on), so that one
 * piece of work with a time budget can run several sequences under a caller's token.
 */
public final class CancellationToken {
    private final CancellationToken parent;
    private final long deadlineNanos;
    private final boolean hasDeadline;
    private volatile boolean cancelled;

    public CancellationToken() {
        this(null, 0, false);
    }

    private CancellationToken(CancellationToken parent, long deadlineNanos, boolean hasDeadline) {
        this.parent = parent;
        this.deadlineNanos = deadlineNanos;
        this.hasDeadline = hasDeadline;
    }

    /** A token cancelled when this one is, or at {@code deadlineNanos} ({@link System#nanoTime()} time), or by itself. */
    public CancellationToken child(long deadlineNanos) {
        return new CancellationToken(this, deadlineNanos, true);
    }

    /** A token cancelled when this one is, or by itself. */
    public CancellationToken child() {
        return new CancellationToken(this, 0, false);
    }

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled || (parent != null && parent.isCancelled()) || (hasDeadline && System.nanoTime() - deadlineNanos >= 0);
    }

    /** Whether its own deadline has passed (as opposed to being cancelled by a caller). */
    public boolean pastDeadline() {
        return hasDeadline && System.nanoTime() - deadlineNanos >= 0;
    }
}
