package dev.reasoningrouter.trainer.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.engine.prompt.ReasoningPrompts;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerCheckerTest {
    private final Task task = new Task(TaskKind.SORTING, 1, "Sort in ascending order: 9, 4, 1.", "1, 4, 9", "9, 4, 1\nsmallest 1\n");

    @Test
    void aDirectReplyIsAllAnswer() {
        assertThat(AnswerChecker.isCorrect(task, "1, 4, 9", false)).isTrue();
        assertThat(AnswerChecker.isCorrect(task, " 1,4 ,  9. ", false)).isTrue();
        assertThat(AnswerChecker.isCorrect(task, "1, 9, 4", false)).isFalse();
        assertThat(AnswerChecker.isCorrect(task, "", false)).isFalse();
    }

    @Test
    void aThinkingReplyAnswersAfterTheCloser() {
        assertThat(AnswerChecker.isCorrect(task, "smallest 1\n</think>\n1, 4, 9", true)).isTrue();
        assertThat(AnswerChecker.isCorrect(task, "1, 4, 9 is what I think\n</think>\n1, 9, 4", true)).isFalse();
        // thinking that never closed has no answer, even if the right numbers appear in it
        assertThat(AnswerChecker.isCorrect(task, "1, 4, 9", true)).isFalse();
        assertThat(AnswerChecker.finalAnswer("steps</think>42", false)).isEqualTo("42");
    }

    @Test
    void formsUseTheServingPromptsExactly() {
        Task t = new Task(TaskKind.ADDITION, 1, "What is 2 + 3?", "5", "2+3\n2+3+0=5 0+0 c0 r5\n=5\n");
        assertThat(Forms.direct(t).turns()).containsExactly(new ChatTurn("user", "What is 2 + 3?"));
        assertThat(Forms.direct(t).reply()).isEqualTo("5");
        Conversation worked = Forms.worked(t);
        assertThat(worked.replyPrefix()).isEqualTo(ReasoningPrompts.THINK_OPEN);
        assertThat(worked.reply()).isEqualTo("2+3\n2+3+0=5 0+0 c0 r5\n=5\n</think>\n5");
        assertThat(AnswerChecker.isCorrect(t, worked.reply(), true)).isTrue();
        Conversation yes = Forms.critic(t, "5");
        assertThat(yes.turns().get(0).content()).isEqualTo(ReasoningPrompts.verifierQuestion("What is 2 + 3?", "5"));
        assertThat(yes.reply()).isEqualTo("yes");
        assertThat(Forms.critic(t, "6").reply()).isEqualTo("no");
        Conversation refine = Forms.refine(t, "6", 0.2, "no");
        assertThat(refine.turns()).containsExactly(new ChatTurn("user", "What is 2 + 3?"), new ChatTurn("assistant", "6"),
                new ChatTurn("user", ReasoningPrompts.refineRequest(0.2, "no")));
        assertThat(refine.replyPrefix()).isEqualTo(ReasoningPrompts.THINK_OPEN);
        assertThat(refine.reply()).isEqualTo(worked.reply());
        assertThat(List.of(Forms.ACCEPT, Forms.REJECT)).containsExactly("yes", "no");
    }
}
