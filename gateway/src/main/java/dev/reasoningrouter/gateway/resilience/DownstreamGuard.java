package dev.reasoningrouter.gateway.resilience;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The Resilience4j decorators of one downstream, applied in the order Resilience4j recommends:
 * {@code Retry(CircuitBreaker(TimeLimiter(Bulkhead(call))))}. The retry only fires on a refused connection
 * (see {@link Downstreams#isConnectionRefused}), so a request that may have reached the downstream is never sent twice.
 *
 * @param callTimeLimiter   bounds a whole call (a JSON answer)
 * @param streamTimeLimiter bounds every silence of a stream: before its first element and between elements
 */
public record DownstreamGuard(String name, CircuitBreaker circuitBreaker, Bulkhead bulkhead, TimeLimiter callTimeLimiter,
                              TimeLimiter streamTimeLimiter, Retry retry) {

    /** A call that yields one value (its answer), retried when its connection is refused. */
    public <T> Mono<T> call(Mono<T> call) {
        return once(call).transformDeferred(RetryOperator.of(retry));
    }

    /**
     * A call behind the bulkhead, time limiter and circuit breaker but not retried: for a call that cannot simply be
     * subscribed to again (a proxied exchange, which Spring Cloud Gateway's own Retry filter re-sends instead).
     */
    public <T> Mono<T> once(Mono<T> call) {
        return call
                .transformDeferred(BulkheadOperator.of(bulkhead))
                .transformDeferred(TimeLimiterOperator.of(callTimeLimiter))
                .transformDeferred(CircuitBreakerOperator.of(circuitBreaker));
    }

    /**
     * A streamed call: the bulkhead slot is held until the stream ends, the circuit breaker judges the whole stream
     * (one that breaks mid-way counts as a failure), and no element may be longer in coming than the idle timeout.
     */
    public <T> Flux<T> stream(Flux<T> stream) {
        return stream
                .transformDeferred(BulkheadOperator.of(bulkhead))
                .transformDeferred(TimeLimiterOperator.of(streamTimeLimiter))
                .transformDeferred(CircuitBreakerOperator.of(circuitBreaker))
                .transformDeferred(RetryOperator.of(retry));
    }

    public CircuitBreaker.State state() {
        return circuitBreaker.getState();
    }
}
