package dev.reasoningrouter.trainer.tasks;

import dev.reasoningrouter.engine.prompt.ReasoningPrompts;
import java.util.Locale;

/**
 * Extracts the final answer from a model's reply and compares it with a task's canonical answer. A reply to a
 * thinking prompt answers after {@link ReasoningPrompts#THINK_CLOSE} (no answer when the thinking never closed); a
 * direct reply is all answer. Comparison is on a canonical form: trimmed, lower case, a trailing full stop dropped,
 * list items separated by {@code ", "}.
 */
public final class AnswerChecker {
    private AnswerChecker() {}

    /** The answer part of a reply; {@code thinking} says whether the reply followed a thinking opener. */
    public static String finalAnswer(String reply, boolean thinking) {
        if (reply == null) {
            return "";
        }
        if (thinking) {
            return ReasoningPrompts.splitThinking(reply).answer();
        }
        int close = reply.lastIndexOf(ReasoningPrompts.THINK_CLOSE);
        return (close >= 0 ? reply.substring(close + ReasoningPrompts.THINK_CLOSE.length()) : reply).strip();
    }

    /** Whether the reply's final answer is the task's answer. */
    public static boolean isCorrect(Task task, String reply, boolean thinking) {
        return matches(task.answer(), finalAnswer(reply, thinking));
    }

    /** Whether an extracted answer equals the canonical one. */
    public static boolean matches(String canonicalAnswer, String answer) {
        String a = canonical(answer);
        return !a.isEmpty() && a.equals(canonical(canonicalAnswer));
    }

    /** The comparison form of an answer. */
    public static String canonical(String answer) {
        String s = answer == null ? "" : answer.strip().toLowerCase(Locale.ROOT);
        while (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1).strip();
        }
        return s.replaceAll("\\s*,\\s*", ", ").replaceAll("\\s+", " ");
    }
}
