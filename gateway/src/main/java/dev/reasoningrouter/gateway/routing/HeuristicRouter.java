package dev.reasoningrouter.gateway.routing;

import dev.reasoningrouter.contracts.RouteDecision;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The cheap local stand-in for the classifier when it is down or slow: surface cues of a query that needs reasoning
 * (proofs, arithmetic and word problems, code, logic, answer choices), the count of numbers, the length, weighed into
 * a score in [0, 1]. Microseconds, no model; its decisions say {@code source: heuristic}.
 *
 * <p>The weights are a logistic regression fitted on the classifier's training set ({@code classifier/data/train.jsonl}),
 * with priors kept for cues that set rarely appears in it (proofs, "step by step", logic words, mathematical notation);
 * on the classifier's held-out set it agrees with 86 % of the labels ({@code HeuristicRouterTest} measures it).
 */
public final class HeuristicRouter {
    public static final String VERSION = "heuristic-2";

    private record Cue(Pattern pattern, double weight) {}

    private static final List<Cue> CUES = List.of(
            cue("\\b(prove|proof|show that|derive|derivation|theorem|lemma|induction|contradiction)\\b", 2.5),
            cue("\\b(step[- ]by[- ]step|reason|reasoning|justify|explain why|why does|why is)\\b", 1.0),
            cue("\\b(solve|calculate|compute|evaluate|integral|derivative|equation|probability|expected value|how many|how much|how long|how far)\\b", 2.69),
            cue("\\b(algorithm|complexity|implement|function|recursion|debug|refactor|write (a|an) (program|function|script|class|query)"
                    + "|python|java|code|array|list|string|integer)\\b", 2.93),
            cue("\\b(puzzle|riddle|logic|if and only if|suppose|assume|given that|therefore|conclude|premise|implies)\\b", 0.8),
            cue("(```|\\bdef \\w+\\(|\\bclass \\w+|\\bpublic static\\b|#include|=>|\\bselect\\b.*\\bfrom\\b)", 0.27),
            cue("\\d+\\s*[-+*/^%=]\\s*\\d+", 0.47),
            cue("[∑∫√≤≥≠∀∃π]|\\\\frac|\\\\sum|\\^\\d", 1.0),
            cue("\\b(percent|%|ratio|average|speed|km|miles|hours|minutes|cost|price|total|each|per)\\b", 1.08),
            cue("\\b(options|answer choices|a\\)|b\\)|\\(a\\)|\\(b\\))", 3.34));
    private static final double BIAS = -1.83;
    private static final double PER_NUMBER = 1.06 * 0.25;
    private static final double PER_80_WORDS = -0.42;
    private static final double PER_EXTRA_QUESTION = -0.2 * 0.4;

    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?");

    private static Cue cue(String regex, double weight) {
        return new Cue(Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), weight);
    }

    /** Scores {@code text} and routes it at {@code threshold}. */
    public RouteDecision decide(String text, double threshold) {
        long start = System.nanoTime();
        double score = score(text);
        String route = score >= threshold ? RouteDecision.REASONING : RouteDecision.FAST;
        return new RouteDecision(route, score, threshold, null, 0.0, VERSION, (System.nanoTime() - start) / 1e6,
                RouteDecision.SOURCE_HEURISTIC);
    }

    /** The score: a logistic of the weighed cues, the count of numbers, the length and the extra question marks. */
    public double score(String text) {
        String t = text == null ? "" : text.toLowerCase(Locale.ROOT);
        double z = BIAS;
        for (Cue c : CUES) {
            if (c.pattern().matcher(t).find()) {
                z += c.weight();
            }
        }
        z += Math.min(NUMBER.matcher(t).results().count(), 6) * PER_NUMBER;
        int words = t.isBlank() ? 0 : t.trim().split("\\s+").length;
        z += Math.min(words, 200) / 80.0 * PER_80_WORDS;
        long questions = t.chars().filter(ch -> ch == '?').count();
        z += Math.min(Math.max(questions - 1, 0), 3) * PER_EXTRA_QUESTION;
        return 1.0 / (1.0 + Math.exp(-z));
    }
}
