package dev.reasoningrouter.pathserving.verify;

import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.engine.generate.SamplingParams;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.prompt.ReasoningPrompts;
import dev.reasoningrouter.engine.serving.ChatCall;
import dev.reasoningrouter.engine.serving.ChatOutcome;
import dev.reasoningrouter.engine.serving.ModelHost;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import java.util.ArrayList;
import java.util.List;

/**
 * The learner on the served model: the client's conversation, the thinking opener ({@code <think>}, DeepSeek-R1
 * style) and the path's full expert budget. To refine, the rejected draft becomes the assistant's turn and the
 * critique a new user turn ({@link ReasoningPrompts#refineRequest}). Samples after the first, and later rounds, vary
 * the seed so that a sampled reply differs.
 */
public final class ModelLearner implements Learner {
    private final ModelHost host;
    private final ExpertBudget budget;
    private final SamplingParams sampling;
    private final boolean thinking;

    /** @param sampling the client's sampling (its seed is the first draft's) */
    public ModelLearner(ModelHost host, ExpertBudget budget, SamplingParams sampling, boolean thinking) {
        this.host = host;
        this.budget = budget;
        this.sampling = sampling;
        this.thinking = thinking;
    }

    /** The call of a request's first draft (what must fit the context). */
    public ChatCall firstCall(List<ChatTurn> conversation) {
        return call(new DraftRequest(conversation, null, null, 1, 0));
    }

    @Override
    public Draft draft(DraftRequest request, DraftListener listener, CancellationToken cancel) {
        ThinkingSplitter split = new ThinkingSplitter(listener, thinking);
        ChatOutcome o = host.chat(call(request), split::accept, cancel);
        split.finish();
        String thinkingText = "";
        String answer = o.text().strip();
        if (thinking) {
            ReasoningPrompts.ThinkingReply reply = ReasoningPrompts.splitThinking(o.text());
            thinkingText = reply.thinking();
            answer = reply.answer();
        }
        int answerTokens = answer.isEmpty() ? 0 : Math.min(o.completionTokens(), host.tokenizer().encode(answer).length);
        return new Draft(thinkingText, answer, o.finishReason(), o.promptTokens(), o.completionTokens(), answerTokens,
                o.ttftNanos());
    }

    private ChatCall call(DraftRequest r) {
        List<ChatTurn> turns = new ArrayList<>(r.conversation());
        if (r.previous() != null && r.verdict() != null) {
            turns.add(new ChatTurn("assistant", r.previous().hasAnswer() ? r.previous().answer() : "(no answer)"));
            turns.add(new ChatTurn("user", ReasoningPrompts.refineRequest(r.verdict().score(), r.verdict().critique())));
        }
        long seed = sampling.seed() + 1_000_003L * (r.round() - 1) + 7919L * r.sample();
        SamplingParams s = new SamplingParams(sampling.temperature(), sampling.topP(), seed, sampling.maxTokens(),
                sampling.stopTokenSequences(), sampling.stopStrings(), sampling.ignoreEos());
        return new ChatCall(turns, thinking ? ReasoningPrompts.THINK_OPEN : "", s, budget, List.of());
    }
}
