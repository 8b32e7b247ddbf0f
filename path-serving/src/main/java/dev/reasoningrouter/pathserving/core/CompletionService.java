package dev.reasoningrouter.pathserving.core;

import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.pathserving.metrics.ServingMetrics;

/**
 * The one way into a path, shared by its HTTP API and its Kafka worker: admission (a bounded queue, 429 when full),
 * the path's {@link CompletionPolicy}, and the serving metrics.
 */
public final class CompletionService {
    private final PathProfile profile;
    private final CompletionPolicy policy;
    private final Admission admission;
    private final ServingMetrics metrics;

    public CompletionService(PathProfile profile, CompletionPolicy policy, Admission admission, ServingMetrics metrics) {
        this.profile = profile;
        this.policy = policy;
        this.admission = admission;
        this.metrics = metrics;
    }

    public PathProfile profile() {
        return profile;
    }

    public Admission admission() {
        return admission;
    }

    public ServingMetrics metrics() {
        return metrics;
    }

    /** A place in the service, or a 429 when it is full; the caller closes it when the request is done. */
    public Admission.Place admit() {
        return admission.admit();
    }

    /**
     * Checks that the job can run on this model before it is admitted.
     *
     * @throws IllegalArgumentException saying what is wrong (e.g. the prompt does not fit the context)
     */
    public void check(CompletionJob job) {
        policy.check(job);
    }

    /** Runs an admitted job through the path's policy and records it. */
    public Completion complete(CompletionJob job, CompletionListener listener, CancellationToken cancel) {
        Completion c = policy.complete(job, listener == null ? CompletionListener.NONE : listener, cancel);
        metrics.completed(c, job.source());
        return c;
    }
}
