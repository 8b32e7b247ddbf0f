package dev.reasoningrouter.engine.generate;

/** Lets a caller stop a sequence; the generator checks it before every step and finishes with CANCELLED. */
public final class CancellationToken {
    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
