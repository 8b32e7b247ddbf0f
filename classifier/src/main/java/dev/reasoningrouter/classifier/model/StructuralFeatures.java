package dev.reasoningrouter.classifier.model;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cheap surface features that complement the sentence embedding: MiniLM's mean-pooled vector sees
 * topic well but numbers, operators and code syntax only faintly. Values are raw; the head
 * standardises them with the means and deviations stored in the model artifact.
 */
public final class StructuralFeatures {

    /** Feature names, in vector order; stored in the artifact so that a mismatch is detected. */
    public static final List<String> NAMES = List.of(
            "log_chars",
            "log_words",
            "digit_ratio",
            "log_numbers",
            "log_math_operators",
            "code_markers",
            "question_marks",
            "constraint_words",
            "log_lines",
            "latex_markers",
            "answer_choices");

    private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)?");
    private static final Pattern MATH_OPERATOR = Pattern.compile("(?<=[\\s\\d)])[-+*/^=<>%×÷≤≥](?=[\\s\\d(])|\\^|√|∑|∫|≤|≥|≠");
    private static final Pattern CODE_MARKER = Pattern.compile(
            "```|\\bdef\\s+\\w+\\(|\\breturn\\b|\\bfunction\\b|\\bpython\\b|\\bjava(script)?\\b|\\bc\\+\\+|\\bsql\\b"
                    + "|\\bclass\\s+\\w+|\\bimport\\s+\\w+|[{};]\\s*$|\\b[a-z]+_[a-z_]+\\b|\\b[a-z]+[A-Z]\\w*\\(|\\bregex\\b|\\barray\\b|\\bstring\\b|\\blist\\b",
            Pattern.MULTILINE);
    private static final Pattern CONSTRAINT = Pattern.compile(
            "\\b(prove|show that|if and only if|only if|must|exactly|at least|at most|how many|how much|calculate|compute"
                    + "|solve|find|total|remaining|each|per|percent|ratio|probability|therefore|implies|suppose|given that"
                    + "|assume|whether|conclude|write a (python )?function|program)\\b");
    private static final Pattern LATEX = Pattern.compile("\\\\(frac|sqrt|sum|int|cdot|times|le|ge|begin)|\\$[^$]+\\$|\\\\\\(");
    private static final Pattern ANSWER_CHOICES = Pattern.compile("(?m)(^|\\s)\\(?[A-E]\\)\\s*\\S");

    private StructuralFeatures() {}

    public static int size() {
        return NAMES.size();
    }

    public static int indexOf(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown structural feature '" + name + "', known: " + NAMES);
        }
        return i;
    }

    public static double[] of(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        int chars = text.length();
        int words = text.isBlank() ? 0 : text.trim().split("\\s+").length;
        long digits = text.chars().filter(Character::isDigit).count();
        return new double[] {
            Math.log1p(chars),
            Math.log1p(words),
            chars == 0 ? 0 : (double) digits / chars,
            Math.log1p(count(NUMBER, text)),
            Math.log1p(count(MATH_OPERATOR, text)),
            Math.min(5, count(CODE_MARKER, text)),
            Math.min(5, text.chars().filter(c -> c == '?').count()),
            Math.min(8, count(CONSTRAINT, lower)),
            Math.log1p(text.lines().count()),
            Math.min(5, count(LATEX, text)),
            Math.min(5, count(ANSWER_CHOICES, text))
        };
    }

    private static int count(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
