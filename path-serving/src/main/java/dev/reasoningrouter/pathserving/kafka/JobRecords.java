package dev.reasoningrouter.pathserving.kafka;

import dev.reasoningrouter.contracts.ChatMessage;
import dev.reasoningrouter.contracts.DeadLetters;
import dev.reasoningrouter.contracts.Escalation;
import dev.reasoningrouter.contracts.InferenceJob;
import dev.reasoningrouter.contracts.InferenceRequest;
import dev.reasoningrouter.contracts.InferenceResult;
import dev.reasoningrouter.contracts.OpenAiError;
import dev.reasoningrouter.contracts.OpenAiException;
import dev.reasoningrouter.contracts.RecordLimit;
import dev.reasoningrouter.contracts.Topics;
import dev.reasoningrouter.contracts.VerifiedAnswer;
import dev.reasoningrouter.contracts.WireCodec;
import dev.reasoningrouter.pathserving.api.ChatCompletionRequest;
import dev.reasoningrouter.pathserving.api.ChatResponses;
import dev.reasoningrouter.pathserving.core.Completion;
import dev.reasoningrouter.pathserving.core.CompletionJob;
import dev.reasoningrouter.pathserving.core.CompletionService;
import dev.reasoningrouter.pathserving.core.EscalationAdvice;
import dev.reasoningrouter.pathserving.core.PathProfile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a record on the path's jobs topic becomes a {@link CompletionJob}, and what records its outcome produces: the
 * result on {@code rr.results} (the {@code chat.completion} the HTTP API would answer, id {@code chatcmpl-<requestId>}),
 * an error result for a request the path refuses (as HTTP would with a 400), the escalated job on the reasoning path's
 * topic, the accepted answer on {@code rr.verified}, or a dead letter for a record that is no job at all.
 *
 * <p>A request is checked by the HTTP API's own rules ({@link ChatCompletionRequest#parse}) and the path's
 * {@link CompletionService#check}, so that a batch line and a REST call are refused alike.
 */
public final class JobRecords {
    private static final Logger log = LoggerFactory.getLogger(JobRecords.class);
    /** Header on every output: the path that made it. */
    public static final String PATH_HEADER = "rr-path";
    /** Header on every output: the transactional id of the worker that made it. */
    public static final String INSTANCE_HEADER = "rr-instance";
    /** The {@code chat.completion} id of a Kafka job's result. */
    public static final String ID_PREFIX = "chatcmpl-";

    private final WireCodec codec;
    private final CompletionService service;
    private final ChatCompletionRequest.Limits limits;
    private final Settings settings;

    /**
     * @param escalationTopic where low-confidence answers go as jobs for the reasoning path; null: never escalate
     * @param verified        publish accepted answers on {@code rr.verified}
     * @param instance        the worker's transactional id, put on every output
     */
    public record Settings(String escalationTopic, boolean verified, String instance) {}

    /** What a consumed record is: refused at once (with its outputs), or a job to run. */
    sealed interface Intake permits Refused, Accepted {}

    /** A record answered without running anything: a dead letter or an error result. */
    record Refused(List<Output> outputs) implements Intake {}

    /** A job to run on the path. */
    record Accepted(InferenceJob job, CompletionJob completion) implements Intake {
        InferenceRequest request() {
            return job.request();
        }
    }

    public JobRecords(WireCodec codec, CompletionService service, ChatCompletionRequest.Limits limits, Settings settings) {
        this.codec = codec;
        this.service = service;
        this.limits = limits;
        this.settings = settings;
    }

    /** The stage name dead letters carry: the path service's name. */
    String stage() {
        return service.profile().path() + "-path";
    }

    /** Decodes and checks a consumed record. Never throws for a bad record. */
    Intake intake(ConsumerRecord<String, String> record) {
        InferenceJob job;
        try {
            job = codec.decode(record.value(), InferenceJob.class);
        } catch (WireCodec.MalformedRecordException e) {
            return deadLetter(record, e.getMessage());
        }
        InferenceRequest request = job.request();
        if (request == null) {
            return deadLetter(record, "not an InferenceJob: it has no request");
        }
        if (request.requestId() == null || request.requestId().isBlank()) {
            return deadLetter(record, "request.requestId is missing");
        }
        ChatCompletionRequest checked;
        try {
            checked = ChatCompletionRequest.parse(body(request), limits);
        } catch (OpenAiException e) {
            return new Refused(List.of(error(job, e.status(), e.body())));
        }
        CompletionJob completion = new CompletionJob(request.requestId(), checked.messages(), checked.sampling(),
                checked.samples(), checked.maxRounds(), job.escalation(), "kafka", checked.verify());
        try {
            service.check(completion);
        } catch (IllegalArgumentException e) {
            return new Refused(List.of(error(job, 400, invalidMessages(e))));
        }
        return new Accepted(job, completion);
    }

    /** A record whose reading failed unexpectedly: dead-lettered with the reason rather than read again forever. */
    Refused unreadable(ConsumerRecord<String, String> record, RuntimeException e) {
        return deadLetter(record, "the job could not be read: " + e);
    }

    /**
     * The outputs of a finished job: an escalation when the fast path advises one (never for a job that was escalated
     * already), else the result, and the verified answer when the critic accepted it.
     */
    List<Output> answered(Accepted a, Completion c) {
        EscalationAdvice advice = c.escalation();
        if (settings.escalationTopic() != null && advice != null && advice.suggested() && a.job().escalatedFrom() == null
                && a.job().escalation() == null) {
            Output escalation = escalation(a, c, advice);
            if (escalation != null) {
                return List.of(escalation);
            }
        }
        List<Output> out = new ArrayList<>();
        out.add(result(a, c));
        if (settings.verified()) {
            VerifiedAnswer v = VerifiedAnswers.of(a.request().requestId(), "kafka", a.request().messages(), service.profile(), c);
            if (v != null) {
                String value = codec.encode(v);
                if (RecordLimit.fits(value)) {
                    out.add(output(Output.Kind.VERIFIED, Topics.VERIFIED, a.request().requestId(), value));
                } else {
                    log.warn("verified answer to {} not published: {} bytes is over the record limit", a.request().requestId(),
                            RecordLimit.bytes(value));
                }
            }
        }
        return out;
    }

    /**
     * The outcome of a job whose run threw: a request the model cannot take (an {@link IllegalArgumentException}) is
     * the client's 400, anything else the service's 500, as over HTTP.
     */
    List<Output> failed(Accepted a, RuntimeException e) {
        if (e instanceof IllegalArgumentException) {
            return List.of(error(a.job(), 400, invalidMessages(e)));
        }
        return List.of(error(a.job(), 500, OpenAiError.of("generation failed: " + e.getMessage(), "server_error", null,
                "generation_failed")));
    }

    /** The request's fields as the OpenAI body they came from, for the HTTP API's checks. */
    private static Map<String, Object> body(InferenceRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (request.messages() != null) {
            List<Object> messages = new ArrayList<>();
            for (ChatMessage m : request.messages()) {
                if (m == null) {
                    messages.add(null);
                } else {
                    Map<String, Object> message = new LinkedHashMap<>();
                    message.put("role", m.role());
                    message.put("content", m.content());
                    messages.add(message);
                }
            }
            body.put("messages", messages);
        }
        body.put("max_tokens", request.maxTokens());
        body.put("temperature", request.temperature());
        body.put("top_p", request.topP());
        body.put("seed", request.seed());
        Map<String, Object> rr = rrOptions(request.metadata());
        if (!rr.isEmpty()) {
            body.put("rr", rr);
        }
        return body;
    }

    /**
     * The request's {@code rr} options, which travel on Kafka as metadata strings ({@code rr_samples},
     * {@code rr_max_rounds}, {@code rr_verify}): numbers and booleans are passed on as such, anything else as the
     * string, which the API's checks then refuse with the parameter named.
     */
    private static Map<String, Object> rrOptions(Map<String, String> metadata) {
        Map<String, Object> rr = new LinkedHashMap<>();
        if (metadata == null) {
            return rr;
        }
        for (String key : List.of("samples", "max_rounds")) {
            String v = metadata.get("rr_" + key);
            if (v != null) {
                try {
                    rr.put(key, Long.parseLong(v.strip()));
                } catch (NumberFormatException e) {
                    rr.put(key, v);
                }
            }
        }
        String verify = metadata.get("rr_verify");
        if (verify != null) {
            rr.put("verify", verify.strip().equals("true") ? Boolean.TRUE : verify.strip().equals("false") ? Boolean.FALSE : verify);
        }
        return rr;
    }

    private static OpenAiError invalidMessages(RuntimeException e) {
        return OpenAiException.invalid("messages", e.getMessage()).body();
    }

    private Refused deadLetter(ConsumerRecord<String, String> record, String reason) {
        ProducerRecord<String, String> letter = DeadLetters.of(codec, stage(), record, reason);
        return new Refused(List.of(new Output(Output.Kind.DEAD_LETTER, withHeaders(letter))));
    }

    private Output result(Accepted a, Completion c) {
        InferenceRequest req = a.request();
        String value = codec.encode(result(a, c, null));
        if (RecordLimit.fits(value)) {
            return output(Output.Kind.RESULT, Topics.RESULTS, req.resultKey(), value);
        }
        // the thinking and verification trace is the only part without a token bound: cut it to fit
        int bytes = RecordLimit.bytes(value);
        String reasoning = c.reasoning();
        String shortest = codec.encode(result(a, withReasoning(c, ""), note(reasoning.length(), 0, bytes)));
        int room = RecordLimit.MAX_BYTES - RecordLimit.bytes(shortest) - 256;
        if (room > 0 && !reasoning.isEmpty()) {
            double bytesPerChar = (double) (bytes - RecordLimit.bytes(shortest)) / reasoning.length();
            int keep = (int) Math.min(reasoning.length(), room / Math.max(bytesPerChar, 1e-9));
            while (keep > 0) {
                if (Character.isHighSurrogate(reasoning.charAt(keep - 1))) {
                    keep--;
                }
                String cut = reasoning.substring(0, keep);
                value = codec.encode(result(a, withReasoning(c, cut), note(reasoning.length(), keep, bytes)));
                if (RecordLimit.fits(value)) {
                    log.warn("result of {}: reasoning_content cut from {} to {} characters to fit the record limit",
                            req.requestId(), reasoning.length(), keep);
                    return output(Output.Kind.RESULT, Topics.RESULTS, req.resultKey(), value);
                }
                keep = keep * 9 / 10;
            }
        }
        if (RecordLimit.fits(shortest)) {
            return output(Output.Kind.RESULT, Topics.RESULTS, req.resultKey(), shortest);
        }
        return error(a.job(), 500, OpenAiError.of("the answer is " + bytes + " bytes, over the " + RecordLimit.MAX_BYTES
                + "-byte record limit", "server_error", null, "result_too_large"));
    }

    private InferenceResult result(Accepted a, Completion c, String truncated) {
        InferenceRequest req = a.request();
        PathProfile profile = service.profile();
        long now = System.currentTimeMillis();
        Map<String, Object> body = ChatResponses.completion(ID_PREFIX + req.requestId(), now / 1000, profile, c);
        if (truncated != null && body.get("rr") instanceof Map<?, ?> rr) {
            @SuppressWarnings("unchecked")
            Map<String, Object> block = (Map<String, Object>) rr;
            block.put("truncated", truncated);
        }
        return new InferenceResult(req.requestId(), req.batchId(), req.customId(), profile.path(), profile.modelName(),
                c.content(), c.reasoning().isEmpty() ? null : c.reasoning(), c.openAiFinishReason(), c.promptTokens(),
                c.completionTokens(), c.reasoningTokens(), null, null, 200, body, a.job().escalatedFrom(), now);
    }

    private static String note(int from, int to, int bytes) {
        return "reasoning_content cut from " + from + " to " + to + " characters: the result was " + bytes
                + " bytes, over the " + RecordLimit.MAX_BYTES + "-byte record limit";
    }

    private static Completion withReasoning(Completion c, String reasoning) {
        return new Completion(c.content(), reasoning, c.finishReason(), c.promptTokens(), c.completionTokens(),
                c.reasoningTokens(), c.expertsPerToken(), c.ttftNanos(), c.totalNanos(), c.confidence(), c.escalation(),
                c.verification());
    }

    /** An error result: the OpenAI error body with its HTTP status, so the batch's error file shows it. */
    private Output error(InferenceJob job, int status, OpenAiError error) {
        InferenceRequest req = job.request();
        OpenAiError.Detail d = error.error();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("message", d.message());
        detail.put("type", d.type());
        detail.put("param", d.param());
        detail.put("code", d.code());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", detail);
        PathProfile profile = service.profile();
        InferenceResult r = new InferenceResult(req.requestId(), req.batchId(), req.customId(), profile.path(),
                profile.modelName(), null, null, null, 0, 0, 0, d.message(), d.code() != null ? d.code() : d.type(), status,
                body, job.escalatedFrom(), System.currentTimeMillis());
        return output(Output.Kind.ERROR, Topics.RESULTS, req.resultKey(), codec.encode(r));
    }

    /**
     * The job handed to the reasoning path with this path's draft and why; without the draft when it would not fit a
     * record; null (answer here instead) when even that would not fit.
     */
    private Output escalation(Accepted a, Completion c, EscalationAdvice advice) {
        String path = service.profile().path();
        long now = System.currentTimeMillis();
        InferenceJob job = a.job();
        Escalation e = new Escalation(path, c.content(), advice.confidence(), advice.floor(), advice.reason(), now);
        String value = codec.encode(new InferenceJob(job.request(), job.decision(), path, e));
        if (!RecordLimit.fits(value)) {
            e = new Escalation(path, "", advice.confidence(), advice.floor(), advice.reason() + " (the draft of "
                    + RecordLimit.bytes(c.content()) + " bytes is left out: the job would be over the record limit)", now);
            value = codec.encode(new InferenceJob(job.request(), job.decision(), path, e));
            if (!RecordLimit.fits(value)) {
                return null;
            }
        }
        return output(Output.Kind.ESCALATION, settings.escalationTopic(), a.request().requestId(), value);
    }

    private Output output(Output.Kind kind, String topic, String key, String value) {
        return new Output(kind, withHeaders(new ProducerRecord<>(topic, key, value)));
    }

    private ProducerRecord<String, String> withHeaders(ProducerRecord<String, String> r) {
        r.headers().add(PATH_HEADER, service.profile().path().getBytes(StandardCharsets.UTF_8));
        r.headers().add(INSTANCE_HEADER, settings.instance().getBytes(StandardCharsets.UTF_8));
        return r;
    }
}
