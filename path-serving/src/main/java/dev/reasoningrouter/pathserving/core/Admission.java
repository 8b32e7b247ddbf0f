package dev.reasoningrouter.pathserving.core;

import dev.reasoningrouter.contracts.OpenAiException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded admission queue in front of the model: at most {@code capacity} requests are in the service at once
 * (decoding, or waiting for a place in the decode batch). One more is refused at once with a 429 and a
 * {@code Retry-After} estimated from how long recent requests took, rather than queued without bound; the Kafka
 * worker pauses its consumption instead of taking a place that is not there. Nothing admitted is ever dropped.
 */
public final class Admission {
    private final int capacity;
    private final int parallelism;
    private final Semaphore places;
    private final AtomicLong rejected = new AtomicLong();
    /** Exponentially weighted mean of how long an admitted request held its place, in seconds. */
    private volatile double meanSeconds = 1.0;

    /**
     * @param capacity    the most requests in the service at once
     * @param parallelism how many of them decode together (the batch ceiling), for the Retry-After estimate
     */
    public Admission(int capacity, int parallelism) {
        if (capacity < 1 || parallelism < 1) {
            throw new IllegalArgumentException("capacity and parallelism must be at least 1, got " + capacity + " and " + parallelism);
        }
        this.capacity = capacity;
        this.parallelism = parallelism;
        this.places = new Semaphore(capacity, true);
    }

    /** A place for one request, or a 429 {@link OpenAiException} when the service is full. */
    public Place admit() {
        Place p = tryAdmit();
        if (p == null) {
            rejected.incrementAndGet();
            throw OpenAiException.overloaded("this path is at capacity (" + capacity + " requests in progress or queued); retry after "
                    + retryAfterSeconds() + " s", "queue_full", retryAfterSeconds());
        }
        return p;
    }

    /** A place for one request, or null when the service is full (nothing is counted as rejected). */
    public Place tryAdmit() {
        return places.tryAcquire() ? new Place(System.nanoTime()) : null;
    }

    /** Seconds until a place is likely free: the mean time a request holds one, times the queue ahead per batch row. */
    public long retryAfterSeconds() {
        double queuedPerRow = Math.max(1.0, (double) (inFlight() - parallelism + 1) / parallelism);
        return Math.max(1, Math.min(60, Math.round(Math.ceil(meanSeconds * queuedPerRow))));
    }

    public int capacity() {
        return capacity;
    }

    /** Requests in the service now. */
    public int inFlight() {
        return capacity - places.availablePermits();
    }

    /** Places free now. */
    public int free() {
        return places.availablePermits();
    }

    /** Requests refused with a 429 since start. */
    public long rejected() {
        return rejected.get();
    }

    /** One admitted request's place; closing it (once, from any thread) gives the place back. */
    public final class Place implements AutoCloseable {
        private final long start;
        private final AtomicBoolean released = new AtomicBoolean();

        private Place(long start) {
            this.start = start;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                double seconds = (System.nanoTime() - start) / 1e9;
                meanSeconds = 0.8 * meanSeconds + 0.2 * seconds;
                places.release();
            }
        }
    }
}
