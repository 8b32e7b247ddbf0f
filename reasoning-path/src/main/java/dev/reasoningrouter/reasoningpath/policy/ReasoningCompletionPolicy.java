package dev.reasoningrouter.reasoningpath.policy;

import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.pathserving.core.Completion;
import dev.reasoningrouter.pathserving.core.CompletionJob;
import dev.reasoningrouter.pathserving.core.CompletionListener;
import dev.reasoningrouter.pathserving.core.CompletionPolicy;
import dev.reasoningrouter.pathserving.verify.Draft;
import dev.reasoningrouter.pathserving.verify.DraftListener;
import dev.reasoningrouter.pathserving.verify.DraftRequest;
import dev.reasoningrouter.pathserving.verify.LoopOutcome;
import dev.reasoningrouter.pathserving.verify.LoopSettings;
import dev.reasoningrouter.pathserving.verify.ModelLearner;
import dev.reasoningrouter.pathserving.verify.VerificationLoop;
import dev.reasoningrouter.pathserving.verify.Verifier;
import java.util.concurrent.ExecutorService;

/**
 * The reasoning path: the model's trained top-k, a thinking prompt in DeepSeek's {@code <think>} style and, unless
 * turned off, the verification loop (learner drafts, critic scores, learner refines; the best-scored draft wins).
 * Streamed, the thinking and every round go out as {@code reasoning_content} while they are made and the chosen
 * answer as {@code content} at the end; without verification the answer streams as it is written.
 */
public final class ReasoningCompletionPolicy implements CompletionPolicy {

    /**
     * @param thinking     open a thinking block before the answer
     * @param verification run the verification loop (false: one draft, no critic)
     * @param loop         the loop's bounds (a request's {@code rr.max_rounds} and {@code rr.samples} override)
     */
    public record Settings(boolean thinking, boolean verification, LoopSettings loop) {}

    private final ModelHost host;
    private final ExpertBudget budget;
    private final Verifier verifier;
    private final Settings settings;
    private final ExecutorService samplers;

    public ReasoningCompletionPolicy(ModelHost host, ExpertBudget budget, Verifier verifier, Settings settings,
                                     ExecutorService samplers) {
        this.host = host;
        this.budget = budget;
        this.verifier = verifier;
        this.settings = settings;
        this.samplers = samplers;
    }

    @Override
    public void check(CompletionJob job) {
        host.check(learner(job).firstCall(job.messages()));
    }

    @Override
    public Completion complete(CompletionJob job, CompletionListener listener, CancellationToken cancel) {
        long start = System.nanoTime();
        ModelLearner learner = learner(job);
        if (!settings.verification() || !job.verify()) {
            Draft d = learner.draft(new DraftRequest(job.messages(), null, null, 1, 0), new DraftListener() {
                @Override
                public void thinking(String delta) {
                    listener.reasoning(delta);
                }

                @Override
                public void answer(String delta) {
                    listener.content(delta);
                }
            }, cancel);
            return new Completion(d.answer(), d.thinking(), d.finishReason(), d.promptTokens(), d.completionTokens(),
                    d.completionTokens() - d.answerTokens(), budget.experts(), d.ttftNanos(), System.nanoTime() - start,
                    null, null, null);
        }
        LoopSettings loop = settings.loop();
        if (job.maxRounds() > 0) {
            loop = loop.withRounds(job.maxRounds());
        }
        if (job.samples() > 1) {
            loop = loop.withSamples(job.samples());
        }
        VerificationLoop verification = new VerificationLoop(learner, verifier, samplers);
        LoopOutcome out = verification.run(job.question(), job.messages(), job.escalation(), loop, listener::reasoning, cancel);
        Draft chosen = out.chosen();
        listener.content(chosen.answer());
        long total = System.nanoTime() - start;
        return new Completion(chosen.answer(), out.trace().strip(), chosen.finishReason(), out.promptTokens(),
                out.completionTokens(), out.completionTokens() - chosen.answerTokens(), budget.experts(),
                out.firstTokenNanos() < 0 ? total : out.firstTokenNanos(), total, null, null, out.report());
    }

    private ModelLearner learner(CompletionJob job) {
        return new ModelLearner(host, budget, job.sampling(), settings.thinking());
    }
}
