package dev.reasoningrouter.pathserving.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.engine.generate.FinishReason;
import dev.reasoningrouter.engine.generate.SamplingParams;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import dev.reasoningrouter.kafka.KafkaTestBroker;
import dev.reasoningrouter.pathserving.core.Completion;
import dev.reasoningrouter.pathserving.core.CompletionJob;
import dev.reasoningrouter.pathserving.core.PathProfile;
import dev.reasoningrouter.pathserving.core.VerificationReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** Publishing an HTTP request's verified answer when no broker answers: the caller is neither failed nor held. */
class VerifiedAnswerPublisherTest {

    @Test
    void aBrokerThatIsNotThereNeitherFailsNorHoldsTheResponse() throws Exception {
        PathProfile profile = new PathProfile("reasoning", new ExpertBudget(2), 2, 100, 200, "tiny-model", null);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String nowhere = "127.0.0.1:" + KafkaTestBroker.freePort();
        try (VerifiedAnswerPublisher publisher = new VerifiedAnswerPublisher(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, nowhere), KafkaJobsFixture.CODEC, profile, registry)) {
            CompletionJob job = new CompletionJob("chatcmpl-1", List.of(new ChatTurn("user", "2+2?")), SamplingParams.greedy(4),
                    1, 0, null, "http");
            VerificationReport accepted = new VerificationReport(1, true, 1, List.of(0.9), 0.5, 1, "model-critic", "accepted");
            Completion c = new Completion("4", "", FinishReason.STOP, 10, 3, 1, 2, 1, 2, null, null, accepted);

            long t0 = System.nanoTime();
            publisher.publish(job, c);
            long took = System.nanoTime() - t0;
            // the producer's send waits up to max.block.ms (5 s) for the missing broker, on the sender's thread
            assertThat(Duration.ofNanos(took)).isLessThan(Duration.ofSeconds(2));

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (registry.get("rr.kafka.verified").tag("outcome", "failed").counter().count() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(registry.get("rr.kafka.verified").tag("outcome", "failed").counter().count()).isEqualTo(1);
            assertThat(registry.get("rr.kafka.verified").tag("outcome", "published").counter().count()).isZero();
        }
    }
}
