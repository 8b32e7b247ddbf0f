package dev.reasoningrouter.trainer.eval;

/**
 * One way of answering the held-out questions.
 *
 * @param name      the mode's name in the report ({@code fast-k1}, {@code reasoning}, ...)
 * @param experts   routed experts per token (0 = the model's trained top-k)
 * @param thinking  whether the reply starts with the thinking opener (worked form) or answers directly
 * @param maxTokens the longest reply
 */
public record EvalMode(String name, int experts, boolean thinking, int maxTokens) {

    /** The fast path's form: direct answer at a reduced budget. */
    public static EvalMode fast(int k) {
        return new EvalMode("fast-k" + k, k, false, 48);
    }

    /** A direct answer with the full routing (no thinking): separates the budget's effect from thinking's. */
    public static EvalMode directFull() {
        return new EvalMode("direct-full", 0, false, 48);
    }

    /** The reasoning path's form: full routing, thinking. */
    public static EvalMode reasoning() {
        return new EvalMode("reasoning", 0, true, 440);
    }

    /** Thinking at a reduced budget (what the re-solving critic's second opinions are). */
    public static EvalMode reasoning(int k) {
        return new EvalMode("reasoning-k" + k, k, true, 440);
    }
}
