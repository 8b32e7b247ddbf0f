package dev.reasoningrouter.gateway.routing;

import dev.reasoningrouter.contracts.RouteDecision;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The cheap local stand-in for the classifier when it is down or slow: a handful of surface cues of a query that
 * needs reasoning (proofs, derivations, multi-step arithmetic, code, puzzles, long multi-part questions), weighed
 * into a score in [0, 1]. Microseconds, no model; its decisions say {@code source: heuristic}.
 */
public final class HeuristicRouter {
    public static final String VERSION = "heuristic-1";

    private record Cue(Pattern pattern, double weight) {}

    private static final List<Cue> CUES = List.of(
            cue("\\b(prove|proof|show that|derive|derivation|theorem|lemma|induction|contradiction)\\b", 2.2),
            cue("\\b(step[- ]by[- ]step|reason|reasoning|justify|explain why|why does|why is)\\b", 1.2),
            cue("\\b(solve|calculate|compute|evaluate|integral|derivative|equation|probability|expected value|how many|how much|how long|how far)\\b", 1.4),
            cue("\\b(algorithm|complexity|implement|function|recursion|debug|refactor|write (a|an) (program|function|script|class|query))\\b", 1.3),
            cue("\\b(puzzle|riddle|logic|if and only if|suppose|assume|given that)\\b", 1.0),
            cue("(```|\\bdef \\w+\\(|\\bclass \\w+|\\bpublic static\\b|#include|=>|\\bSELECT\\b.*\\bFROM\\b)", 1.5),
            cue("\\d+\\s*[-+*/^%=]\\s*\\d+", 1.1),
            cue("[∑∫√≤≥≠∀∃π]|\\\\frac|\\\\sum|\\^\\d", 1.2));

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

    /** The score: a logistic of the weighed cues, the number count and the length. */
    public double score(String text) {
        String t = text == null ? "" : text.toLowerCase(Locale.ROOT);
        double z = -2.0;
        for (Cue c : CUES) {
            if (c.pattern().matcher(t).find()) {
                z += c.weight();
            }
        }
        long numbers = NUMBER.matcher(t).results().count();
        z += Math.min(numbers, 6) * 0.25;
        int words = t.isBlank() ? 0 : t.trim().split("\\s+").length;
        z += Math.min(words, 200) / 80.0;
        long questions = t.chars().filter(ch -> ch == '?').count();
        z += Math.min(Math.max(questions - 1, 0), 3) * 0.4;
        return 1.0 / (1.0 + Math.exp(-z));
    }
}
