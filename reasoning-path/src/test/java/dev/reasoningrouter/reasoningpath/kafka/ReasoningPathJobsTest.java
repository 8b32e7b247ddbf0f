package dev.reasoningrouter.reasoningpath.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.contracts.ChatMessage;
import dev.reasoningrouter.contracts.Escalation;
import dev.reasoningrouter.contracts.InferenceJob;
import dev.reasoningrouter.contracts.InferenceResult;
import dev.reasoningrouter.contracts.Topics;
import dev.reasoningrouter.contracts.VerifiedAnswer;
import dev.reasoningrouter.kafka.KafkaTestBroker;
import dev.reasoningrouter.pathserving.kafka.KafkaJobsFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reasoning path's Kafka worker and the learner/critic data loop in the real service (tiny model, real broker):
 * jobs escalated by the fast path are answered with {@code escalatedFrom = "fast"} after their draft is judged as
 * round 0, and every answer the critic accepts (the threshold is 0 here, so all are) is published on
 * {@code rr.verified}: for Kafka jobs in the result's transaction, for HTTP requests by the plain producer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReasoningPathJobsTest {
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String JOBS = "rr.jobs.reasoning.test-" + RUN;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        Map<String, String> p = KafkaJobsFixture.serviceProperties(JOBS, "rr-reasoning-path-test-" + RUN, "r-" + RUN, 2);
        p.put("rr.reasoning.verification.accept-threshold", "0");
        p.put("rr.reasoning.verification.max-rounds", "1");
        p.put("rr.reasoning.verification.critique-tokens", "2");
        KafkaJobsFixture.register(r, p);
    }

    @LocalServerPort
    int port;

    final KafkaJobsFixture kafka = new KafkaJobsFixture(KafkaTestBroker.bootstrapServers());
    final JsonMapper json = JsonMapper.builder().build();

    @AfterEach
    void closeClients() {
        kafka.close();
    }

    @Test
    void escalatedJobsAreAnsweredAndEveryAcceptedAnswerIsPublishedOnce() {
        String batch = "batch-" + RUN;
        String id = "rj-" + RUN + "-";
        Map<String, InferenceJob> jobs = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            jobs.put(id + "plain-" + i, new InferenceJob(KafkaJobsFixture.request(id + "plain-" + i, batch,
                    "What is " + i + " times 7?", 4, null), KafkaJobsFixture.decision("reasoning"), null));
            // as the fast path's worker hands a job on: its draft, its confidence and the floor it fell below
            jobs.put(id + "esc-" + i, new InferenceJob(KafkaJobsFixture.request(id + "esc-" + i, batch,
                    "What is the capital of France? (" + i + ")", 4, null), KafkaJobsFixture.decision("fast"), "fast",
                    new Escalation("fast", "Paris " + i, 0.2, 1.0, "confidence 0.200 is below the floor 1.000", 1L)));
        }
        jobs.values().forEach(j -> kafka.send(JOBS, j));

        List<ConsumerRecord<String, String>> results = kafka.readKeys(Topics.RESULTS, batch + "/", 6, Duration.ofSeconds(120));
        assertThat(results).hasSize(6);
        Map<String, InferenceResult> byId = results.stream().map(r -> KafkaJobsFixture.CODEC.decode(r.value(), InferenceResult.class))
                .collect(Collectors.toMap(InferenceResult::requestId, r -> r));
        assertThat(byId).containsOnlyKeys(jobs.keySet());
        for (ConsumerRecord<String, String> record : results) {
            InferenceResult r = KafkaJobsFixture.CODEC.decode(record.value(), InferenceResult.class);
            JsonNode body = json.readTree(record.value()).get("body");
            JsonNode verification = body.get("rr").get("verification");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.path()).isEqualTo("reasoning");
            assertThat(body.get("object").asString()).isEqualTo("chat.completion");
            assertThat(body.get("choices").get(0).get("message").get("reasoning_content").asString()).isEqualTo(r.reasoningContent());
            assertThat(verification.get("accepted").asBoolean()).isTrue();
            if (r.requestId().contains("-esc-")) {
                String i = r.requestId().substring(r.requestId().length() - 1);
                assertThat(r.escalatedFrom()).isEqualTo("fast");
                assertThat(r.content()).as("the critic accepted the fast path's draft as round 0").isEqualTo("Paris " + i);
                assertThat(verification.get("chosen_round").asInt()).isZero();
                assertThat(verification.get("rounds").asInt()).isZero();
                assertThat(r.reasoningContent()).startsWith("Round 0: the fast path's draft");
            } else {
                assertThat(r.escalatedFrom()).isNull();
                assertThat(verification.get("rounds").asInt()).isEqualTo(1);
                assertThat(r.reasoningTokens()).isPositive();
            }
        }

        List<ConsumerRecord<String, String>> verified = kafka.readKeys(Topics.VERIFIED, id, 6, Duration.ofSeconds(30));
        assertThat(verified).as("one verified answer per accepted job, committed with its result").hasSize(6);
        for (ConsumerRecord<String, String> record : verified) {
            VerifiedAnswer v = KafkaJobsFixture.CODEC.decode(record.value(), VerifiedAnswer.class);
            InferenceResult r = byId.get(record.key());
            assertThat(v.requestId()).isEqualTo(record.key());
            assertThat(v.source()).isEqualTo("kafka");
            assertThat(v.answer()).isEqualTo(r.content());
            assertThat(v.model()).isEqualTo(r.model());
            assertThat(v.messages()).isEqualTo(jobs.get(record.key()).request().messages());
            assertThat(v.threshold()).isZero();
            assertThat(v.score()).isBetween(0.0, 1.0);
            assertThat(v.roundScores()).isNotEmpty().contains(v.score());
            assertThat(v.verifier()).isEqualTo("model-critic");
            assertThat(v.expertsPerToken()).isEqualTo(2);
            assertThat(v.chosenRound()).isEqualTo(record.key().contains("-esc-") ? 0 : 1);
        }
    }

    @Test
    void anAcceptedHttpAnswerIsPublishedWithoutHoldingTheResponse() throws Exception {
        String question = "Name a prime number. (" + RUN + ")";
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"reasoning","messages":[{"role":"user","content":"%s"}],"max_tokens":4}""".formatted(question)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
        String id = body.get("id").asString();
        assertThat(body.get("rr").get("verification").get("accepted").asBoolean()).isTrue();

        List<ConsumerRecord<String, String>> verified = kafka.readKeys(Topics.VERIFIED, id, 1, Duration.ofSeconds(30));
        assertThat(verified).hasSize(1);
        VerifiedAnswer v = KafkaJobsFixture.CODEC.decode(verified.getFirst().value(), VerifiedAnswer.class);
        assertThat(v.source()).isEqualTo("http");
        assertThat(v.requestId()).isEqualTo(id);
        assertThat(v.messages()).containsExactly(new ChatMessage("user", question));
        assertThat(v.answer()).isEqualTo(body.get("choices").get(0).get("message").get("content").asString());
        assertThat(v.rounds()).isEqualTo(body.get("rr").get("verification").get("rounds").asInt());
    }
}
