package dev.reasoningrouter.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.reasoningrouter.contracts.OpenAiException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

class RateLimitsTest {
    private final AtomicLong now = new AtomicLong();
    private final RateLimits limits = new RateLimits(now::get);

    private void advance(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void requestsPerMinuteRefillContinuouslyAndA429SaysWhenToComeBack() {
        Caller c = new Caller("k", 60, 0);
        HttpHeaders h = new HttpHeaders();
        for (int i = 0; i < 60; i++) {
            limits.request(c, h);
        }
        assertThat(h.getFirst("x-ratelimit-remaining-requests")).isEqualTo("0");
        OpenAiException e = catchThrowableOfType(OpenAiException.class, () -> limits.request(c, new HttpHeaders()));
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.retryAfterSeconds()).isEqualTo(1);
        assertThat(e.body().error().code()).isEqualTo("rate_limit_exceeded");
        advance(1); // one request a second comes back
        limits.request(c, new HttpHeaders());
        // other keys have their own buckets; 0 means no limit
        limits.request(new Caller("other", 60, 0), new HttpHeaders());
        for (int i = 0; i < 1000; i++) {
            limits.request(new Caller("free", 0, 0), new HttpHeaders());
        }
    }

    @Test
    void tokensAreReservedUpFrontAndSettledOnTheRealUsage() {
        Caller c = new Caller("k", 0, 600); // ten tokens a second
        RateLimits.Reservation r = limits.reserveTokens(c, 500, new HttpHeaders());
        r.settle(100); // 400 of the 500 come back
        RateLimits.Reservation big = limits.reserveTokens(c, 1000, new HttpHeaders()); // 500 left: in, into debt
        big.settle(1000);
        OpenAiException e = catchThrowableOfType(OpenAiException.class, () -> limits.reserveTokens(c, 1, new HttpHeaders()));
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.retryAfterSeconds()).isEqualTo(51); // 500 in debt + 1, at ten a second
        advance(51);
        limits.reserveTokens(c, 1, new HttpHeaders());
    }
}
