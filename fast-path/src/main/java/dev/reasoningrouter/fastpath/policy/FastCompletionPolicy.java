package dev.reasoningrouter.fastpath.policy;

import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.serving.ChatCall;
import dev.reasoningrouter.engine.serving.ChatOutcome;
import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.pathserving.core.Completion;
import dev.reasoningrouter.pathserving.core.CompletionJob;
import dev.reasoningrouter.pathserving.core.CompletionListener;
import dev.reasoningrouter.pathserving.core.CompletionPolicy;
import dev.reasoningrouter.pathserving.core.EscalationAdvice;
import java.util.Locale;

/**
 * The fast path: one pass with a reduced routed-expert budget and no chain-of-thought, then a confidence from the
 * answer's token log-probabilities. Below the floor it advises escalation: over Kafka the worker hands the job to the
 * reasoning path with this draft; over HTTP the response carries the hint for the gateway.
 */
public final class FastCompletionPolicy implements CompletionPolicy {
    private final ModelHost host;
    private final ExpertBudget budget;
    private final double confidenceFloor;

    public FastCompletionPolicy(ModelHost host, ExpertBudget budget, double confidenceFloor) {
        if (!(confidenceFloor >= 0 && confidenceFloor <= 1)) {
            throw new IllegalArgumentException("rr.fast.escalation.confidence-floor must be in [0, 1], got " + confidenceFloor);
        }
        this.host = host;
        this.budget = budget;
        this.confidenceFloor = confidenceFloor;
    }

    @Override
    public void check(CompletionJob job) {
        host.check(call(job));
    }

    @Override
    public Completion complete(CompletionJob job, CompletionListener listener, CancellationToken cancel) {
        ChatOutcome o = host.chat(call(job), listener::content, cancel);
        double confidence = AnswerConfidence.of(o.tokenLogprobs());
        return new Completion(o.text(), "", o.finishReason(), o.promptTokens(), o.completionTokens(), 0,
                o.expertsPerToken(), o.ttftNanos(), o.totalNanos(), confidence, advice(confidence, o.text()), null);
    }

    private ChatCall call(CompletionJob job) {
        return ChatCall.of(job.messages(), job.sampling(), budget);
    }

    private EscalationAdvice advice(double confidence, String answer) {
        if (answer.isBlank()) {
            return new EscalationAdvice(true, confidence, confidenceFloor, "the fast path produced no answer");
        }
        boolean low = confidence < confidenceFloor;
        String reason = String.format(Locale.ROOT, "confidence %.3f is %s the floor %.3f", confidence,
                low ? "below" : "at or above", confidenceFloor);
        return new EscalationAdvice(low, confidence, confidenceFloor, reason);
    }
}
