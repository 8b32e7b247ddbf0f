package dev.reasoningrouter.engine.serving;

import dev.reasoningrouter.engine.generate.SamplingParams;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import java.util.List;
import java.util.Objects;

/**
 * One reply to generate: the conversation, the text the reply starts with (e.g. a thinking opener, rendered after
 * the template's generation prompt and not part of the returned text), sampling, the routed-expert budget, and words
 * whose first-token log-probabilities at the reply's first position the outcome reports (a critic's accept and
 * reject words).
 */
public record ChatCall(List<ChatTurn> turns, String replyPrefix, SamplingParams sampling, ExpertBudget budget,
                       List<String> probeWords) {
    public ChatCall {
        turns = List.copyOf(Objects.requireNonNull(turns, "turns"));
        replyPrefix = replyPrefix == null ? "" : replyPrefix;
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(budget, "budget");
        probeWords = probeWords == null ? List.of() : List.copyOf(probeWords);
    }

    public static ChatCall of(List<ChatTurn> turns, SamplingParams sampling, ExpertBudget budget) {
        return new ChatCall(turns, "", sampling, budget, List.of());
    }
}
