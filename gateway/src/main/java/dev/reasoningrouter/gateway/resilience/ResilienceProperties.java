package dev.reasoningrouter.gateway.resilience;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code rr.resilience.*}: how the gateway guards each downstream (the classifier, each path service, each
 * OpenAI-compatible upstream). {@code defaults} apply to every downstream; {@code downstreams.<name>} overrides
 * any of them for one downstream (a downstream's name is {@code classifier} or an upstream's name).
 */
@ConfigurationProperties("rr.resilience")
public record ResilienceProperties(Settings defaults, Map<String, Settings> downstreams) {

    public ResilienceProperties {
        defaults = Settings.BUILT_IN.overriddenBy(defaults);
        downstreams = downstreams == null ? Map.of() : Map.copyOf(downstreams);
        Settings base = defaults;
        base.check("rr.resilience.defaults");
        downstreams.forEach((name, s) -> base.overriddenBy(s).check("rr.resilience.downstreams." + name));
    }

    /** The effective settings of one downstream. */
    public Settings forDownstream(String name) {
        return defaults.overriddenBy(downstreams.get(name));
    }

    /**
     * One downstream's guard. Null fields inherit.
     *
     * @param timeout              a whole call (a JSON answer) must finish within this (time limiter)
     * @param streamIdleTimeout    a stream may be silent at most this long, before its headers and between events
     * @param failureRateThreshold percentage of failed calls in the window that opens the circuit
     * @param slidingWindowSize    calls the failure rate is computed over
     * @param minimumNumberOfCalls calls needed before the rate is judged
     * @param waitInOpenState      how long an open circuit refuses calls before it lets trial calls through
     * @param permittedCallsInHalfOpenState trial calls in the half-open state
     * @param maxConcurrentCalls   bulkhead: calls (and streams) in flight at once
     * @param maxWaitForPermit     bulkhead: how long a call waits for a free slot before it is refused
     * @param retryAttempts        attempts in all when the connection is refused (nothing was sent, so a retry is safe)
     * @param retryWait            pause between those attempts
     */
    public record Settings(Duration timeout, Duration streamIdleTimeout, Float failureRateThreshold, Integer slidingWindowSize,
                           Integer minimumNumberOfCalls, Duration waitInOpenState, Integer permittedCallsInHalfOpenState,
                           Integer maxConcurrentCalls, Duration maxWaitForPermit, Integer retryAttempts, Duration retryWait) {

        static final Settings BUILT_IN = new Settings(Duration.ofSeconds(120), Duration.ofSeconds(60), 50f, 20, 5,
                Duration.ofSeconds(10), 2, 64, Duration.ZERO, 2, Duration.ofMillis(100));

        Settings overriddenBy(Settings o) {
            if (o == null) {
                return this;
            }
            return new Settings(or(o.timeout, timeout), or(o.streamIdleTimeout, streamIdleTimeout),
                    or(o.failureRateThreshold, failureRateThreshold), or(o.slidingWindowSize, slidingWindowSize),
                    or(o.minimumNumberOfCalls, minimumNumberOfCalls), or(o.waitInOpenState, waitInOpenState),
                    or(o.permittedCallsInHalfOpenState, permittedCallsInHalfOpenState), or(o.maxConcurrentCalls, maxConcurrentCalls),
                    or(o.maxWaitForPermit, maxWaitForPermit), or(o.retryAttempts, retryAttempts), or(o.retryWait, retryWait));
        }

        void check(String prefix) {
            positive(prefix + ".timeout", timeout);
            positive(prefix + ".stream-idle-timeout", streamIdleTimeout);
            positive(prefix + ".wait-in-open-state", waitInOpenState);
            if (!(failureRateThreshold > 0 && failureRateThreshold <= 100)) {
                throw new IllegalArgumentException(prefix + ".failure-rate-threshold must be in (0, 100], got " + failureRateThreshold);
            }
            atLeast(prefix + ".sliding-window-size", slidingWindowSize, 1);
            atLeast(prefix + ".minimum-number-of-calls", minimumNumberOfCalls, 1);
            atLeast(prefix + ".permitted-calls-in-half-open-state", permittedCallsInHalfOpenState, 1);
            atLeast(prefix + ".max-concurrent-calls", maxConcurrentCalls, 1);
            atLeast(prefix + ".retry-attempts", retryAttempts, 1);
            if (maxWaitForPermit.isNegative() || retryWait.isNegative()) {
                throw new IllegalArgumentException(prefix + ": max-wait-for-permit and retry-wait must not be negative");
            }
        }

        private static void positive(String key, Duration d) {
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(key + " must be positive, got " + d);
            }
        }

        private static void atLeast(String key, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(key + " must be >= " + min + ", got " + value);
            }
        }

        private static <T> T or(T value, T fallback) {
            return value != null ? value : fallback;
        }
    }
}
