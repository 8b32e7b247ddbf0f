package dev.reasoningrouter.pathserving.kafka;

import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.pathserving.core.Completion;
import dev.reasoningrouter.pathserving.core.CompletionJob;
import dev.reasoningrouter.pathserving.core.CompletionListener;
import dev.reasoningrouter.pathserving.core.CompletionPolicy;
import java.util.function.Supplier;

/**
 * The path's policy, plus: every accepted answer of a request that did not come over Kafka is handed to the
 * {@link VerifiedAnswerPublisher} (the Kafka worker publishes its own inside its transaction). Publishing never changes
 * or delays the completion.
 */
final class VerifiedAnswerPolicy implements CompletionPolicy {
    private final CompletionPolicy delegate;
    private final Supplier<VerifiedAnswerPublisher> publisher;

    VerifiedAnswerPolicy(CompletionPolicy delegate, Supplier<VerifiedAnswerPublisher> publisher) {
        this.delegate = delegate;
        this.publisher = publisher;
    }

    @Override
    public Completion complete(CompletionJob job, CompletionListener listener, CancellationToken cancel) {
        Completion c = delegate.complete(job, listener, cancel);
        if (!"kafka".equals(job.source()) && c.verification() != null && c.verification().accepted()) {
            VerifiedAnswerPublisher p = publisher.get();
            if (p != null) {
                p.publish(job, c);
            }
        }
        return c;
    }

    @Override
    public void check(CompletionJob job) {
        delegate.check(job);
    }

    CompletionPolicy delegate() {
        return delegate;
    }
}
