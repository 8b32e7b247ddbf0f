package dev.reasoningrouter.fastpath.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.contracts.Escalation;
import dev.reasoningrouter.contracts.InferenceJob;
import dev.reasoningrouter.contracts.InferenceResult;
import dev.reasoningrouter.contracts.Topics;
import dev.reasoningrouter.kafka.KafkaTestBroker;
import dev.reasoningrouter.pathserving.kafka.JobRecords;
import dev.reasoningrouter.pathserving.kafka.KafkaJobsFixture;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Escalation over Kafka in the real fast path: with the confidence floor at 1 every answer is below it, so each job
 * goes to the reasoning path's topic as a job carrying the draft and the reason, in the worker's transaction, instead
 * of a result; a job that was escalated once is answered, never escalated again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class FastPathEscalationTest {
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String JOBS = "rr.jobs.fast.test-" + RUN;
    static final String REASONING_JOBS = "rr.jobs.reasoning.test-" + RUN;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        Map<String, String> p = KafkaJobsFixture.serviceProperties(JOBS, "rr-fast-path-escalation-" + RUN, "e-" + RUN, 2,
                REASONING_JOBS);
        p.put("rr.fast.escalation.confidence-floor", "1.0");
        p.put("rr.kafka.escalation-topic", REASONING_JOBS);
        KafkaJobsFixture.register(r, p);
    }

    @Autowired
    MeterRegistry registry;

    final KafkaJobsFixture kafka = new KafkaJobsFixture(KafkaTestBroker.bootstrapServers());

    @AfterEach
    void closeClients() {
        kafka.close();
    }

    @Test
    void answersBelowTheFloorBecomeReasoningJobsWithTheDraftAndAnEscalatedJobIsAnswered() {
        String batch = "batch-" + RUN;
        String id = "esc-" + RUN + "-";
        Map<String, InferenceJob> jobs = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            jobs.put(id + i, KafkaJobsFixture.job(id + i, batch, "Prove that there are infinitely many primes, case " + i, 3));
        }
        jobs.values().forEach(j -> kafka.send(JOBS, j));
        // a job the fast path handed on before, back on its topic by mistake: answered here, not escalated again
        InferenceJob once = new InferenceJob(KafkaJobsFixture.request("again-" + RUN, batch, "2+2?", 3, null),
                KafkaJobsFixture.decision("fast"), "fast", new Escalation("fast", "5", 0.1, 1.0, "low confidence", 1L));
        kafka.send(JOBS, once);

        List<ConsumerRecord<String, String>> escalated = kafka.readKeys(REASONING_JOBS, id, 5, Duration.ofSeconds(90));
        assertThat(escalated).as("one escalation per job").hasSize(5);
        for (ConsumerRecord<String, String> record : escalated) {
            InferenceJob next = KafkaJobsFixture.CODEC.decode(record.value(), InferenceJob.class);
            InferenceJob original = jobs.get(record.key());
            assertThat(next.request()).isEqualTo(original.request());
            assertThat(next.decision()).isEqualTo(original.decision());
            assertThat(next.escalatedFrom()).isEqualTo("fast");
            Escalation e = next.escalation();
            assertThat(e.fromPath()).isEqualTo("fast");
            assertThat(e.floor()).isEqualTo(1.0);
            assertThat(e.confidence()).isBetween(0.0, 1.0).isLessThan(1.0);
            assertThat(e.draft()).isNotNull();
            assertThat(e.reason()).containsAnyOf("below the floor", "no answer");
            assertThat(e.atMs()).isPositive();
            assertThat(KafkaJobsFixture.header(record, JobRecords.PATH_HEADER)).isEqualTo("fast");
        }

        List<ConsumerRecord<String, String>> results = kafka.readKeys(Topics.RESULTS, batch + "/", 1, Duration.ofSeconds(60));
        assertThat(results).as("escalated jobs get no result here; the one escalated before does").hasSize(1);
        InferenceResult r = KafkaJobsFixture.CODEC.decode(results.getFirst().value(), InferenceResult.class);
        assertThat(r.requestId()).isEqualTo("again-" + RUN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.escalatedFrom()).isEqualTo("fast");
        assertThat(kafka.readKeys(REASONING_JOBS, "again-", 1, Duration.ofSeconds(2))).isEmpty();

        assertThat(registry.get("rr.kafka.worker.outputs").tag("kind", "escalation").counter().count()).isEqualTo(5);
    }
}
