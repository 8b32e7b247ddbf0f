package dev.reasoningrouter.trainer.tasks;

import java.util.Objects;

/**
 * One generated item: the user's question, its one canonical answer string (a number such as {@code 5616} or
 * {@code -42}, or a list such as {@code 3, 7, 12}), and the worked steps that lead to it (the text that goes
 * inside the thinking block).
 *
 * @param level difficulty, {@link #MIN_LEVEL} (routine) to {@link #MAX_LEVEL} (hardest)
 */
public record Task(TaskKind kind, int level, String question, String answer, String steps) {
    public static final int MIN_LEVEL = 1;
    public static final int MAX_LEVEL = 4;

    public Task {
        Objects.requireNonNull(kind, "kind");
        checkLevel(level);
        if (question == null || question.isBlank() || answer == null || answer.isBlank() || steps == null || steps.isBlank()) {
            throw new IllegalArgumentException("a task needs a question, an answer and steps");
        }
    }

    static void checkLevel(int level) {
        if (level < MIN_LEVEL || level > MAX_LEVEL) {
            throw new IllegalArgumentException("difficulty level must be " + MIN_LEVEL + ".." + MAX_LEVEL + ", got " + level);
        }
    }
}
