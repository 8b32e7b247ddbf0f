package dev.reasoningrouter.pathserving.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reasoningrouter.contracts.ChatMessage;
import dev.reasoningrouter.contracts.DeadLetter;
import dev.reasoningrouter.contracts.Escalation;
import dev.reasoningrouter.contracts.InferenceJob;
import dev.reasoningrouter.contracts.InferenceRequest;
import dev.reasoningrouter.contracts.InferenceResult;
import dev.reasoningrouter.contracts.OpenAiException;
import dev.reasoningrouter.contracts.RecordLimit;
import dev.reasoningrouter.contracts.Topics;
import dev.reasoningrouter.contracts.VerifiedAnswer;
import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.engine.generate.FinishReason;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.pathserving.api.ChatCompletionRequest;
import dev.reasoningrouter.pathserving.core.Admission;
import dev.reasoningrouter.pathserving.core.Completion;
import dev.reasoningrouter.pathserving.core.CompletionJob;
import dev.reasoningrouter.pathserving.core.CompletionListener;
import dev.reasoningrouter.pathserving.core.CompletionPolicy;
import dev.reasoningrouter.pathserving.core.CompletionService;
import dev.reasoningrouter.pathserving.core.EscalationAdvice;
import dev.reasoningrouter.pathserving.core.PathProfile;
import dev.reasoningrouter.pathserving.core.VerificationReport;
import dev.reasoningrouter.pathserving.metrics.ServingMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * How job records become completion jobs and outputs, without a model: the policy here only refuses prompts it is
 * told are too long, as a model whose context they do not fit would.
 */
class JobRecordsTest {
    private static final ChatCompletionRequest.Limits LIMITS = new ChatCompletionRequest.Limits(64, 16, 0.0, 1, 1);
    private static final String TOPIC = "rr.jobs.reasoning";

    private final PathProfile profile = new PathProfile("reasoning", new ExpertBudget(2), 2, 100, 200, "tiny-model", null);
    private final CompletionPolicy policy = new CompletionPolicy() {
        @Override
        public Completion complete(CompletionJob job, CompletionListener listener, CancellationToken cancel) {
            throw new UnsupportedOperationException("not run here");
        }

        @Override
        public void check(CompletionJob job) {
            if (job.question().contains("TOO LONG")) {
                throw new IllegalArgumentException("the prompt is 9999 tokens; this model's context is 512 tokens");
            }
        }
    };
    private final CompletionService service = new CompletionService(profile, policy, new Admission(4, 2),
            new ServingMetrics(new SimpleMeterRegistry(), "reasoning"));

    private JobRecords records(String escalationTopic, boolean verified) {
        return new JobRecords(KafkaJobsFixture.CODEC, service, LIMITS, new JobRecords.Settings(escalationTopic, verified, "test-1"));
    }

    private static ConsumerRecord<String, String> record(long offset, String key, String value) {
        return new ConsumerRecord<>(TOPIC, 1, offset, key, value);
    }

    private static ConsumerRecord<String, String> record(InferenceJob job) {
        return record(7, job.request().requestId(), KafkaJobsFixture.CODEC.encode(job));
    }

    private static Completion completion(String content, String reasoning, EscalationAdvice advice, VerificationReport v) {
        return new Completion(content, reasoning, FinishReason.STOP, 12, 9, 4, 2, 1_000, 2_000, null, advice, v);
    }

    @Test
    void aRequestHttpWouldRefuseGetsTheSameErrorAsAResult() {
        InferenceRequest hot = KafkaJobsFixture.request("r-hot", "b1", "hi", 4, 5.0);
        var intake = records(null, false).intake(record(new InferenceJob(hot, KafkaJobsFixture.decision("reasoning"), null)));
        Output out = ((JobRecords.Refused) intake).outputs().getFirst();
        assertThat(out.kind()).isEqualTo(Output.Kind.ERROR);
        assertThat(out.record().topic()).isEqualTo(Topics.RESULTS);
        assertThat(out.record().key()).isEqualTo("b1/line-r-hot");
        InferenceResult r = KafkaJobsFixture.CODEC.decode(out.record().value(), InferenceResult.class);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.isError()).isTrue();

        // exactly what the HTTP API answers for the same body
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("messages", List.of(Map.of("role", "user", "content", "hi")));
        http.put("max_tokens", 4);
        http.put("temperature", 5.0);
        OpenAiException expected = org.junit.jupiter.api.Assertions.assertThrows(OpenAiException.class,
                () -> ChatCompletionRequest.parse(http, LIMITS));
        assertThat(r.error()).isEqualTo(expected.body().message());
        assertThat(r.errorCode()).isEqualTo(expected.body().error().code());
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) r.body().get("error");
        assertThat(error).containsEntry("param", "temperature").containsEntry("type", "invalid_request_error")
                .containsEntry("message", expected.body().message());
    }

    @Test
    void aPromptTheModelCannotTakeIsA400AndOverTheTokenLimitToo() {
        var tooLong = records(null, false).intake(record(KafkaJobsFixture.job("r-long", null, "TOO LONG", 4)));
        InferenceResult r = KafkaJobsFixture.CODEC.decode(((JobRecords.Refused) tooLong).outputs().getFirst().record().value(),
                InferenceResult.class);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.error()).contains("context");
        assertThat(((JobRecords.Refused) tooLong).outputs().getFirst().record().key()).as("no batch: keyed by request id")
                .isEqualTo("r-long");

        var tooMany = records(null, false).intake(record(KafkaJobsFixture.job("r-many", "b", "hi", 65)));
        InferenceResult m = KafkaJobsFixture.CODEC.decode(((JobRecords.Refused) tooMany).outputs().getFirst().record().value(),
                InferenceResult.class);
        assertThat(m.statusCode()).isEqualTo(400);
        assertThat(m.error()).contains("max_tokens");
    }

    @Test
    void aGoodJobIsAcceptedWithTheRequestsSampling() {
        var intake = records(null, false).intake(record(KafkaJobsFixture.job("r-ok", "b", "hello", 3)));
        JobRecords.Accepted a = (JobRecords.Accepted) intake;
        assertThat(a.completion().id()).isEqualTo("r-ok");
        assertThat(a.completion().source()).isEqualTo("kafka");
        assertThat(a.completion().sampling().maxTokens()).isEqualTo(3);
        assertThat(a.completion().sampling().seed()).isEqualTo(7L);
        assertThat(a.completion().question()).isEqualTo("hello");
    }

    @Test
    void poisonRecordsAreDeadLetteredWithTheReasonAndTheirPayload() {
        JobRecords records = records(null, false);
        Map<String, String> poison = new LinkedHashMap<>();
        poison.put("{this is not json", "not a valid InferenceJob");
        poison.put("[1, 2, 3]", "not a valid InferenceJob");
        poison.put("{\"decision\":null}", "no request");
        poison.put(KafkaJobsFixture.CODEC.encode(new InferenceJob(new InferenceRequest(" ", null, null, null,
                List.of(new ChatMessage("user", "hi")), null, null, null, null, null, 0L), null, null)), "requestId");
        poison.put("", "empty payload");
        long offset = 100;
        for (var e : poison.entrySet()) {
            var intake = records.intake(record(offset, "k" + offset, e.getKey()));
            Output out = ((JobRecords.Refused) intake).outputs().getFirst();
            assertThat(out.kind()).isEqualTo(Output.Kind.DEAD_LETTER);
            assertThat(out.record().topic()).isEqualTo(Topics.DLQ);
            assertThat(out.record().key()).isEqualTo("k" + offset);
            DeadLetter letter = KafkaJobsFixture.CODEC.decode(out.record().value(), DeadLetter.class);
            assertThat(letter.reason()).contains(e.getValue());
            assertThat(letter.payload()).isEqualTo(e.getKey());
            assertThat(letter.stage()).isEqualTo("reasoning-path");
            assertThat(letter.sourceTopic()).isEqualTo(TOPIC);
            assertThat(letter.partition()).isEqualTo(1);
            assertThat(letter.offset()).isEqualTo(offset);
            assertThat(new String(out.record().headers().lastHeader(JobRecords.INSTANCE_HEADER).value(),
                    java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("test-1");
            offset++;
        }
    }

    @Test
    void anAnswerOverTheRecordLimitKeepsItsAnswerAndSaysItsTraceWasCut() {
        JobRecords records = records(null, false);
        JobRecords.Accepted a = (JobRecords.Accepted) records.intake(record(KafkaJobsFixture.job("r-big", "b", "hi", 4)));
        char[] trace = new char[1_500_000];
        Arrays.fill(trace, 'é'); // two bytes each in UTF-8
        List<Output> out = records.answered(a, completion("Paris", new String(trace), null, null));
        assertThat(out).hasSize(1);
        String value = out.getFirst().record().value();
        assertThat(RecordLimit.fits(value)).isTrue();
        assertThat(RecordLimit.bytes(value)).as("cut no more than needed").isGreaterThan(RecordLimit.MAX_BYTES / 2);
        InferenceResult r = KafkaJobsFixture.CODEC.decode(value, InferenceResult.class);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.content()).isEqualTo("Paris");
        assertThat(r.reasoningContent()).isNotEmpty().hasSizeLessThan(trace.length);
        assertThat(new String(trace)).startsWith(r.reasoningContent());
        @SuppressWarnings("unchecked")
        Map<String, Object> rr = (Map<String, Object>) r.body().get("rr");
        assertThat((String) rr.get("truncated")).contains("reasoning_content cut from 1500000 to " + r.reasoningContent().length());
    }

    @Test
    void aLowConfidenceAnswerEscalatesOnceWithItsDraft() {
        JobRecords records = records(TOPIC, false);
        EscalationAdvice low = new EscalationAdvice(true, 0.2, 0.35, "confidence 0.200 is below the floor 0.350");
        InferenceJob fresh = KafkaJobsFixture.job("r-esc", "b", "What is 2+2?", 4);
        List<Output> out = records.answered((JobRecords.Accepted) records.intake(record(fresh)), completion("5", "", low, null));
        assertThat(out).singleElement().satisfies(o -> {
            assertThat(o.kind()).isEqualTo(Output.Kind.ESCALATION);
            assertThat(o.record().topic()).isEqualTo(TOPIC);
            assertThat(o.record().key()).isEqualTo("r-esc");
            InferenceJob next = KafkaJobsFixture.CODEC.decode(o.record().value(), InferenceJob.class);
            assertThat(next.request()).isEqualTo(fresh.request());
            assertThat(next.decision()).isEqualTo(fresh.decision());
            assertThat(next.escalatedFrom()).isEqualTo("reasoning");
            assertThat(next.escalation().draft()).isEqualTo("5");
            assertThat(next.escalation().confidence()).isEqualTo(0.2);
            assertThat(next.escalation().floor()).isEqualTo(0.35);
            assertThat(next.escalation().reason()).contains("below the floor");
        });

        InferenceJob again = new InferenceJob(fresh.request(), fresh.decision(), "fast",
                new Escalation("fast", "5", 0.2, 0.35, "low", 1L));
        List<Output> answered = records.answered((JobRecords.Accepted) records.intake(record(again)), completion("4", "", low, null));
        assertThat(answered).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Output.Kind.RESULT));
        assertThat(KafkaJobsFixture.CODEC.decode(answered.getFirst().record().value(), InferenceResult.class).escalatedFrom())
                .isEqualTo("fast");

        List<Output> disabled = records(null, false).answered((JobRecords.Accepted) records.intake(record(fresh)),
                completion("5", "", low, null));
        assertThat(disabled).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Output.Kind.RESULT));
    }

    @Test
    void anAcceptedAnswerIsPublishedWithItsScoresAndARejectedOneIsNot() {
        JobRecords records = records(null, true);
        JobRecords.Accepted a = (JobRecords.Accepted) records.intake(record(KafkaJobsFixture.job("r-v", "b", "2+2?", 4)));
        VerificationReport accepted = new VerificationReport(2, true, 2, List.of(0.3, 0.8), 0.5, 1, "model-critic", "accepted");
        List<Output> out = records.answered(a, completion("4", "thinking", null, accepted));
        assertThat(out).extracting(Output::kind).containsExactly(Output.Kind.RESULT, Output.Kind.VERIFIED);
        Output v = out.get(1);
        assertThat(v.record().topic()).isEqualTo(Topics.VERIFIED);
        assertThat(v.record().key()).isEqualTo("r-v");
        VerifiedAnswer answer = KafkaJobsFixture.CODEC.decode(v.record().value(), VerifiedAnswer.class);
        assertThat(answer.source()).isEqualTo("kafka");
        assertThat(answer.answer()).isEqualTo("4");
        assertThat(answer.reasoning()).isEqualTo("thinking");
        assertThat(answer.score()).isEqualTo(0.8);
        assertThat(answer.roundScores()).containsExactly(0.3, 0.8);
        assertThat(answer.rounds()).isEqualTo(2);
        assertThat(answer.chosenRound()).isEqualTo(2);
        assertThat(answer.messages()).containsExactly(new ChatMessage("user", "2+2?"));
        assertThat(answer.model()).isEqualTo("tiny-model");

        VerificationReport rejected = new VerificationReport(2, false, 1, List.of(0.3, 0.2), 0.5, 1, "model-critic", "rounds");
        assertThat(records.answered(a, completion("5", "", null, rejected))).extracting(Output::kind)
                .containsExactly(Output.Kind.RESULT);
    }

    @Test
    void aFailedRunIsAServerErrorResultAndABadPromptAClientError() {
        JobRecords records = records(null, false);
        JobRecords.Accepted a = (JobRecords.Accepted) records.intake(record(KafkaJobsFixture.job("r-f", "b", "hi", 4)));
        InferenceResult crash = KafkaJobsFixture.CODEC.decode(
                records.failed(a, new IllegalStateException("device lost")).getFirst().record().value(), InferenceResult.class);
        assertThat(crash.statusCode()).isEqualTo(500);
        assertThat(crash.errorCode()).isEqualTo("generation_failed");
        InferenceResult bad = KafkaJobsFixture.CODEC.decode(
                records.failed(a, new IllegalArgumentException("does not fit")).getFirst().record().value(), InferenceResult.class);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThatThrownBy(() -> new JobWorker.Settings("t", "g", "x", 0, java.time.Duration.ZERO, java.time.Duration.ofMillis(1)))
                .hasMessageContaining("max-in-flight");
    }
}
