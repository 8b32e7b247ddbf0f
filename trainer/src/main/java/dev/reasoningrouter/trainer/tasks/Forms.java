package dev.reasoningrouter.trainer.tasks;

import dev.reasoningrouter.engine.prompt.ReasoningPrompts;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import java.util.List;

/**
 * Renders a task in each {@link Form}, with the prompt texts of {@link ReasoningPrompts} (the contract with the
 * paths): direct, worked (thinking opener, steps, {@code </think>}, answer), critic ({@link ReasoningPrompts#verifierQuestion},
 * reply {@code yes}/{@code no}) and refine (question, wrong draft, {@link ReasoningPrompts#refineRequest}, worked reply).
 */
public final class Forms {
    /** The critic's replies: the first accept and reject words. */
    public static final String ACCEPT = ReasoningPrompts.ACCEPT_WORDS.get(0);
    public static final String REJECT = ReasoningPrompts.REJECT_WORDS.get(0);

    private Forms() {}

    public static Conversation direct(Task t) {
        return new Conversation(List.of(new ChatTurn("user", t.question())), "", t.answer());
    }

    public static Conversation worked(Task t) {
        return new Conversation(List.of(new ChatTurn("user", t.question())), ReasoningPrompts.THINK_OPEN, workedReply(t));
    }

    /** The reply after the thinking opener: the steps, the closer, the answer. */
    public static String workedReply(Task t) {
        return t.steps() + ReasoningPrompts.THINK_CLOSE + "\n" + t.answer();
    }

    /** The critic asked about {@code candidate}; the reply says whether it is the task's answer. */
    public static Conversation critic(Task t, String candidate) {
        boolean right = AnswerChecker.matches(t.answer(), candidate);
        return new Conversation(List.of(new ChatTurn("user", ReasoningPrompts.verifierQuestion(t.question(), candidate))), "",
                right ? ACCEPT : REJECT);
    }

    /** The refine round after a rejected draft: the learner works the task again. */
    public static Conversation refine(Task t, String wrongDraft, double score, String critique) {
        return new Conversation(List.of(new ChatTurn("user", t.question()), new ChatTurn("assistant", wrongDraft),
                new ChatTurn("user", ReasoningPrompts.refineRequest(score, critique))), ReasoningPrompts.THINK_OPEN, workedReply(t));
    }
}
