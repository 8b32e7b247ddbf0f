package dev.reasoningrouter.engine.prompt;

import java.util.List;
import java.util.Locale;

/**
 * The prompt formats the paths serve and the project's own model is trained on, in one place so that training and
 * serving never drift apart. All text here is appended to, or sent as, chat turns rendered by the model's
 * {@link dev.reasoningrouter.engine.tokenizer.ChatTemplate}.
 *
 * <ul>
 *   <li><b>Direct answer</b> (fast path): the plain generation prompt; the reply is the answer.</li>
 *   <li><b>Thinking</b> (reasoning path), DeepSeek-R1 style: the generation prompt followed by {@link #THINK_OPEN};
 *       the model writes its steps, closes them with {@link #THINK_CLOSE}, then the answer.</li>
 *   <li><b>Critic</b>: a user turn {@link #verifierQuestion}; the critic's first reply token is one of
 *       {@link #ACCEPT_WORDS} or {@link #REJECT_WORDS}, optionally followed by a short reason.</li>
 *   <li><b>Refine</b>: after a rejected draft, the draft as the assistant turn and {@link #refineRequest} as the next
 *       user turn; the learner thinks again.</li>
 * </ul>
 */
public final class ReasoningPrompts {
    /** Opens the thinking block; appended to the generation prompt on the reasoning path. */
    public static final String THINK_OPEN = "<think>\n";
    /** Closes the thinking block; the answer follows it. */
    public static final String THINK_CLOSE = "</think>";
    /** First reply words by which the critic accepts a draft (any casing given here counts). */
    public static final List<String> ACCEPT_WORDS = List.of("yes", "Yes");
    /** First reply words by which the critic rejects a draft. */
    public static final List<String> REJECT_WORDS = List.of("no", "No");

    private ReasoningPrompts() {}

    /** The critic's question about one draft answer to {@code question}. */
    public static String verifierQuestion(String question, String answer) {
        return "Question: " + question.strip() + "\nProposed answer: " + answer.strip()
                + "\nIs the proposed answer correct? Answer yes or no.";
    }

    /** What the learner is told after a draft the critic rejected; {@code critique} may be empty. */
    public static String refineRequest(double score, String critique) {
        String why = critique == null || critique.isBlank() ? "" : " The reviewer said: " + critique.strip();
        return "A reviewer judged this answer likely wrong (score " + String.format(Locale.ROOT, "%.2f", score) + ")."
                + why + " Check the work step by step and give a corrected final answer.";
    }

    /**
     * Splits a reply generated after {@link #THINK_OPEN} into its thinking and its answer. A reply that never closes
     * its thinking (it ran out of tokens) has only thinking and an empty answer.
     */
    public static ThinkingReply splitThinking(String reply) {
        int close = reply.indexOf(THINK_CLOSE);
        if (close < 0) {
            return new ThinkingReply(reply.strip(), "", false);
        }
        return new ThinkingReply(reply.substring(0, close).strip(), reply.substring(close + THINK_CLOSE.length()).strip(), true);
    }

    /**
     * A reply split at {@link #THINK_CLOSE}.
     *
     * @param closed whether the thinking was closed (false: the reply ran out before an answer)
     */
    public record ThinkingReply(String thinking, String answer, boolean closed) {}
}
