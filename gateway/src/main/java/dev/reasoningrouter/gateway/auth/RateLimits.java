package dev.reasoningrouter.gateway.auth;

import dev.reasoningrouter.contracts.OpenAiException;
import dev.reasoningrouter.contracts.OpenAiError;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.springframework.http.HttpHeaders;

/**
 * Per-key requests-per-minute and tokens-per-minute limits, as token buckets that refill continuously (a key's whole
 * minute's worth at most). A chat completion reserves the most tokens it may use before it is sent and is settled
 * against its real usage afterwards, so concurrent requests cannot overrun a key's limit by much; a reservation may
 * take a bucket below zero, and the key then waits until it has refilled. Over a limit: 429 with {@code Retry-After}.
 */
public final class RateLimits {
    /** What one settled request cost; {@link #settle} takes back the difference between reserved and used. */
    public interface Reservation {
        void settle(long actualTokens);
    }

    private static final Reservation NONE = actual -> {};

    private final Map<String, Bucket> requests = new ConcurrentHashMap<>();
    private final Map<String, Bucket> tokens = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    public RateLimits(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    public RateLimits() {
        this(System::nanoTime);
    }

    /** Takes one request from the caller's bucket; throws 429 when it is empty. Adds the usual rate-limit headers. */
    public void request(Caller caller, HttpHeaders responseHeaders) {
        if (caller.requestsPerMinute() <= 0) {
            return;
        }
        Bucket b = requests.computeIfAbsent(caller.name(), n -> new Bucket(caller.requestsPerMinute(), nanoClock.getAsLong()));
        long now = nanoClock.getAsLong();
        double waitSeconds = b.take(1, now);
        headers(responseHeaders, "requests", caller.requestsPerMinute(), b.remaining(now), b.secondsToFull(now));
        if (waitSeconds > 0) {
            throw rejected(caller, "requests", caller.requestsPerMinute(), waitSeconds);
        }
    }

    /** Reserves {@code estimate} tokens; throws 429 when the caller's token bucket is empty. */
    public Reservation reserveTokens(Caller caller, long estimate, HttpHeaders responseHeaders) {
        if (caller.tokensPerMinute() <= 0) {
            return NONE;
        }
        Bucket b = tokens.computeIfAbsent(caller.name(), n -> new Bucket(caller.tokensPerMinute(), nanoClock.getAsLong()));
        long now = nanoClock.getAsLong();
        double waitSeconds = b.reserve(estimate, now);
        headers(responseHeaders, "tokens", caller.tokensPerMinute(), b.remaining(now), b.secondsToFull(now));
        if (waitSeconds > 0) {
            throw rejected(caller, "tokens", caller.tokensPerMinute(), waitSeconds);
        }
        return actual -> b.refund(estimate - Math.max(0, actual), nanoClock.getAsLong());
    }

    private static OpenAiException rejected(Caller caller, String what, long limit, double waitSeconds) {
        long retryAfter = Math.max(1, (long) Math.ceil(waitSeconds));
        return new OpenAiException(429, OpenAiError.of("Rate limit reached for key '" + caller.name() + "' on " + what
                + " per minute: limit " + limit + ". Try again in " + retryAfter + " s.", "rate_limit_error", null,
                "rate_limit_exceeded"), retryAfter);
    }

    private static void headers(HttpHeaders h, String what, long limit, long remaining, double secondsToFull) {
        h.set("x-ratelimit-limit-" + what, Long.toString(limit));
        h.set("x-ratelimit-remaining-" + what, Long.toString(Math.max(0, remaining)));
        h.set("x-ratelimit-reset-" + what, String.format(java.util.Locale.ROOT, "%.1fs", secondsToFull));
    }

    /** A bucket of {@code perMinute} that refills at {@code perMinute / 60} a second; it may run into debt. */
    static final class Bucket {
        private final double capacity;
        private final double perNano;
        private double level;
        private long at;

        Bucket(long perMinute, long now) {
            this.capacity = perMinute;
            this.perNano = perMinute / 60e9;
            this.level = perMinute;
            this.at = now;
        }

        private void refill(long now) {
            level = Math.min(capacity, level + (now - at) * perNano);
            at = now;
        }

        /** Takes {@code n} if there are {@code n}; else the seconds until there will be. */
        synchronized double take(long n, long now) {
            refill(now);
            if (level >= n) {
                level -= n;
                return 0;
            }
            return (n - level) / perNano / 1e9;
        }

        /** Takes {@code n} (into debt if need be) while the bucket is not empty; else the seconds until it is not. */
        synchronized double reserve(long n, long now) {
            refill(now);
            if (level > 0) {
                level -= n;
                return 0;
            }
            return (1 - level) / perNano / 1e9;
        }

        synchronized void refund(long n, long now) {
            refill(now);
            level = Math.min(capacity, level + n);
        }

        synchronized long remaining(long now) {
            refill(now);
            return (long) Math.floor(level);
        }

        synchronized double secondsToFull(long now) {
            refill(now);
            return (capacity - level) / perNano / 1e9;
        }
    }
}
