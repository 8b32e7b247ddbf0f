package dev.reasoningrouter.classifier.training;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Derives task-type training labels, since the data carries only {@code reasoning}/{@code routine}
 * and its source. The rules, in order:
 * <ol>
 *   <li>gsm8k, aqua-rat: {@code math}; mbpp: {@code code}; logicbench: {@code logic};
 *       clinc150 (assistant commands and chit-chat): {@code chat}.</li>
 *   <li>dolly-15k items labelled reasoning (hand-relabelled word problems and puzzles): {@code math}
 *       when they contain a digit, else {@code logic}.</li>
 *   <li>other dolly-15k items by their opening words: writing verbs (write, compose, draft, rewrite,
 *       summarize, brainstorm, give me ideas/a list, ...) give {@code writing}; classification and
 *       extraction instructions (classify, categorize, extract, identify which, ...) give
 *       {@code other}; the rest (what/who/why/how questions) is {@code knowledge}.</li>
 *   <li>an unknown source gets no task label (null) and does not train the task head.</li>
 * </ol>
 */
public final class TaskLabeler {
    public static final List<String> TASK_TYPES = List.of("math", "code", "logic", "knowledge", "writing", "chat", "other");

    private static final Pattern WRITING = Pattern.compile(
            "^(please\\s+)?(write|compose|draft|rewrite|re-write|paraphrase|summari[sz]e|brainstorm|imagine|create|generate"
                    + "|come up with|suggest|plan|describe|explain|give me (a |some |an )?(list|ideas|names|tips|suggestions|reasons|short|brief|summary)"
                    + "|list|name some|provide|tell me a (story|poem|joke)|help me)\\b");
    private static final Pattern OTHER = Pattern.compile(
            "^(classify|categori[sz]e|extract|identify (which|the|each|whether)|tell me (which|whether|if)|which of (these|the following)"
                    + "|sort|group|separate|given (a|the|this) (list|reference|text|passage|paragraph)|from the (passage|text)|based on (the|this))");
    private static final Pattern DIGIT = Pattern.compile("\\d");

    private TaskLabeler() {}

    /** The task type for a training example, or null when no rule applies. */
    public static String label(Example e) {
        if (e.source() == null) {
            return null;
        }
        return switch (e.source()) {
            case "gsm8k", "aqua-rat" -> "math";
            case "mbpp" -> "code";
            case "logicbench" -> "logic";
            case "clinc150" -> "chat";
            case "dolly-15k" -> dolly(e);
            default -> null;
        };
    }

    private static String dolly(Example e) {
        if (e.reasoning()) {
            return DIGIT.matcher(e.text()).find() ? "math" : "logic";
        }
        String head = e.text().strip().toLowerCase(Locale.ROOT);
        if (OTHER.matcher(head).find()) {
            return "other";
        }
        if (WRITING.matcher(head).find()) {
            return "writing";
        }
        return "knowledge";
    }
}
