package dev.reasoningrouter.trainer.tasks;

/** The families of generated tasks; each has difficulty levels {@link Task#MIN_LEVEL}..{@link Task#MAX_LEVEL}. */
public enum TaskKind {
    ADDITION("addition"),
    SUBTRACTION("subtraction"),
    MULTIPLICATION("multiplication"),
    WORD_PROBLEM("word-problem"),
    COMPARISON("comparison"),
    SORTING("sorting");

    private final String id;

    TaskKind(String id) {
        this.id = id;
    }

    /** The kind's name in reports and on the command line. */
    public String id() {
        return id;
    }

    public static TaskKind of(String id) {
        for (TaskKind k : values()) {
            if (k.id.equals(id) || k.name().equalsIgnoreCase(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown task kind '" + id + "'; known: addition, subtraction, multiplication, "
                + "word-problem, comparison, sorting");
    }
}
