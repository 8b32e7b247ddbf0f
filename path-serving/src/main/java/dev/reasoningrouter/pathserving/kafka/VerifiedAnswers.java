package dev.reasoningrouter.pathserving.kafka;

import dev.reasoningrouter.contracts.ChatMessage;
import dev.reasoningrouter.contracts.VerifiedAnswer;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import dev.reasoningrouter.pathserving.core.Completion;
import dev.reasoningrouter.pathserving.core.PathProfile;
import dev.reasoningrouter.pathserving.core.VerificationReport;
import java.util.List;

/** The learner/critic data loop's record: an answer the reasoning path's critic accepted, with its scores and rounds. */
final class VerifiedAnswers {
    private VerifiedAnswers() {}

    /** The record for a completion whose verification accepted its answer; null for any other completion. */
    static VerifiedAnswer of(String requestId, String source, List<ChatMessage> messages, PathProfile profile, Completion c) {
        VerificationReport v = c.verification();
        if (v == null || !v.accepted()) {
            return null;
        }
        return new VerifiedAnswer(requestId, source, profile.modelName(), messages, c.content(), c.reasoning(),
                chosenScore(v), v.threshold(), v.rounds(), v.chosenRound(), v.scores(), v.verifier(), c.expertsPerToken(),
                System.currentTimeMillis());
    }

    static List<ChatMessage> messages(List<ChatTurn> turns) {
        return turns.stream().map(t -> new ChatMessage(t.role(), t.content())).toList();
    }

    /** The chosen draft's score: the loop returns the best-scored draft, so the highest score there is. */
    static double chosenScore(VerificationReport v) {
        return v.scores().stream().filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).max()
                .orElse(v.threshold());
    }
}
