package dev.reasoningrouter.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class DownstreamGuardTest {
    private final Downstreams downstreams = new Downstreams(new ResilienceProperties(null, Map.of(
            "d", new ResilienceProperties.Settings(Duration.ofMillis(200), Duration.ofMillis(200), 50f, 4, 2, Duration.ofSeconds(30), 1,
                    2, Duration.ZERO, 3, Duration.ofMillis(10)),
            "r", new ResilienceProperties.Settings(null, null, null, null, 10, null, null, null, null, 3, Duration.ofMillis(10)))),
            new SimpleMeterRegistry());

    @Test
    void aRefusedConnectionIsRetriedAndAnythingElseIsNot() {
        DownstreamGuard guard = downstreams.guard("r");
        AtomicInteger attempts = new AtomicInteger();
        Mono<String> refusedTwice = Mono.defer(() -> attempts.incrementAndGet() < 3
                ? Mono.error(new ConnectException("Connection refused")) : Mono.just("answer"));
        StepVerifier.create(guard.call(refusedTwice)).expectNext("answer").verifyComplete();
        assertThat(attempts).hasValue(3);

        AtomicInteger sent = new AtomicInteger();
        Mono<String> brokeAfterSending = Mono.defer(() -> {
            sent.incrementAndGet();
            return Mono.error(new IOException("Connection prematurely closed"));
        });
        StepVerifier.create(downstreams.guard("r").call(brokeAfterSending)).expectError(IOException.class).verify();
        assertThat(sent).as("a request that may have been sent is not sent again").hasValue(1);
    }

    @Test
    void failuresOpenTheCircuitAndAnOpenCircuitRefusesWithoutCalling() {
        DownstreamGuard guard = downstreams.guard("d");
        AtomicInteger calls = new AtomicInteger();
        Mono<String> slow = Mono.defer(() -> {
            calls.incrementAndGet();
            return Mono.delay(Duration.ofSeconds(5)).thenReturn("late");
        });
        StepVerifier.create(guard.call(slow)).expectError(TimeoutException.class).verify();
        StepVerifier.create(guard.call(slow)).expectError(TimeoutException.class).verify();
        assertThat(guard.state()).isEqualTo(CircuitBreaker.State.OPEN);
        StepVerifier.create(guard.call(slow)).expectError(CallNotPermittedException.class).verify();
        assertThat(calls).hasValue(2);
    }

    @Test
    void aStreamMayNotFallSilentLongerThanTheIdleTimeout() {
        Flux<Integer> stalls = Flux.concat(Flux.just(1, 2), Mono.delay(Duration.ofSeconds(5)).thenReturn(3));
        StepVerifier.create(downstreams.guard("d").stream(stalls)).expectNext(1, 2).expectError(TimeoutException.class)
                .verify(Duration.ofSeconds(3));
    }

    @Test
    void failuresAreDescribedInWords() {
        assertThat(Downstreams.describe(new ConnectException("refused"))).isEqualTo("it refused the connection");
        assertThat(Downstreams.describe(new TimeoutException())).isEqualTo("it did not answer in time");
        assertThat(Downstreams.outcome(new DownstreamStatusException("x", 502, null, new byte[0]))).isEqualTo("http_502");
    }
}
