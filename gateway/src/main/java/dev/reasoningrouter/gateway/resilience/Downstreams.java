package dev.reasoningrouter.gateway.resilience;

import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetrics;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link DownstreamGuard} per downstream, configured from {@link ResilienceProperties}, its breakers, bulkheads,
 * time limiters and retries published as Micrometer meters ({@code resilience4j_circuitbreaker_state}, …) tagged
 * with the downstream's name.
 */
public final class Downstreams {
    private static final Logger log = LoggerFactory.getLogger(Downstreams.class);

    private final ResilienceProperties properties;
    private final CircuitBreakerRegistry circuitBreakers = CircuitBreakerRegistry.ofDefaults();
    private final BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
    private final TimeLimiterRegistry timeLimiters = TimeLimiterRegistry.ofDefaults();
    private final RetryRegistry retries = RetryRegistry.ofDefaults();
    private final Map<String, DownstreamGuard> guards = new ConcurrentHashMap<>();

    public Downstreams(ResilienceProperties properties, MeterRegistry meters) {
        this.properties = properties;
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(circuitBreakers).bindTo(meters);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
        TaggedTimeLimiterMetrics.ofTimeLimiterRegistry(timeLimiters).bindTo(meters);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
    }

    /** The guard of the downstream called {@code name}, made on first use. */
    public DownstreamGuard guard(String name) {
        return guards.computeIfAbsent(name, this::create);
    }

    public Map<String, DownstreamGuard> all() {
        return Map.copyOf(guards);
    }

    private DownstreamGuard create(String name) {
        ResilienceProperties.Settings s = properties.forDownstream(name);
        var breaker = circuitBreakers.circuitBreaker(name, CircuitBreakerConfig.custom()
                .failureRateThreshold(s.failureRateThreshold())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(s.slidingWindowSize())
                .minimumNumberOfCalls(s.minimumNumberOfCalls())
                .waitDurationInOpenState(s.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(s.permittedCallsInHalfOpenState())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                // a full bulkhead says nothing about the downstream's health
                .ignoreExceptions(BulkheadFullException.class)
                .build());
        breaker.getEventPublisher().onStateTransition(e ->
                log.info("circuit of downstream '{}': {}", name, e.getStateTransition()));
        var bulkhead = bulkheads.bulkhead(name, BulkheadConfig.custom()
                .maxConcurrentCalls(s.maxConcurrentCalls())
                .maxWaitDuration(s.maxWaitForPermit())
                .build());
        var callLimiter = timeLimiters.timeLimiter(name, TimeLimiterConfig.custom().timeoutDuration(s.timeout()).build());
        var streamLimiter = timeLimiters.timeLimiter(name + ".stream",
                TimeLimiterConfig.custom().timeoutDuration(s.streamIdleTimeout()).build());
        var retry = retries.retry(name, RetryConfig.custom()
                .maxAttempts(s.retryAttempts())
                .waitDuration(s.retryWait())
                .retryOnException(Downstreams::isConnectionRefused)
                .build());
        return new DownstreamGuard(name, breaker, bulkhead, callLimiter, streamLimiter, retry);
    }

    /** What kind of failure a downstream call had: its metric tag and its description in words. */
    private record Failure(String tag, String words) {
        static Failure of(Throwable e) {
            return switch (e) {
                case io.github.resilience4j.circuitbreaker.CallNotPermittedException c -> new Failure("circuit_open", "its circuit is open");
                case BulkheadFullException b -> new Failure("bulkhead_full", "it is at its concurrency limit");
                case java.util.concurrent.TimeoutException t -> new Failure("timeout", "it did not answer in time");
                case DownstreamStatusException s -> new Failure("http_" + s.status(), "it answered HTTP " + s.status());
                default -> isConnectionRefused(e) ? new Failure("connection_refused", "it refused the connection")
                        : new Failure("error", rootMessage(e));
            };
        }
    }

    /** Why a downstream call failed, in words: "its circuit is open", "it did not answer in time", … */
    public static String describe(Throwable e) {
        return Failure.of(e).words();
    }

    /** A failure's metric tag: circuit_open, bulkhead_full, timeout, http_5xx, connection_refused or error. */
    public static String outcome(Throwable e) {
        return Failure.of(e).tag();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** True when the connection was refused: the request never left, so sending it again is safe. */
    public static boolean isConnectionRefused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
