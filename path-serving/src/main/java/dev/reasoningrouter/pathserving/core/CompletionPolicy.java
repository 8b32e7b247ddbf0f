package dev.reasoningrouter.pathserving.core;

import dev.reasoningrouter.engine.generate.CancellationToken;

/**
 * How a path turns a chat request into an answer: the seam between the entry points (HTTP, Kafka) and the model.
 * The fast path answers in one pass with a confidence; the reasoning path thinks, and drafts and verifies in a loop.
 * Implementations run on the caller's thread, may call the model several times (each call joins the shared decode
 * batch) and must stop early when {@code cancel} is set.
 */
public interface CompletionPolicy {

    /**
     * Answers {@code job}, telling {@code listener} the text as it is made.
     *
     * @throws IllegalArgumentException when the request cannot be run on this model (e.g. it does not fit the context)
     */
    Completion complete(CompletionJob job, CompletionListener listener, CancellationToken cancel);

    /**
     * Checks, before the job is admitted or a response begins, that it can run on this model (e.g. its prompt fits
     * the context).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    void check(CompletionJob job);
}
