package dev.reasoningrouter.pathserving.verify;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of an answer that self-consistency votes on: its numbers in order when it has any (so "The answer is 42."
 * and "42" agree, and "3, 7, 12" and "[3, 7, 12]" too), else its text lower-cased with spaces collapsed and trailing
 * punctuation dropped.
 */
public final class AnswerKey {
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:,\\d{3})*(?:\\.\\d+)?");

    private AnswerKey() {}

    public static String of(String answer) {
        String a = answer == null ? "" : answer.strip();
        Matcher m = NUMBER.matcher(a);
        StringBuilder numbers = new StringBuilder();
        while (m.find()) {
            if (!numbers.isEmpty()) {
                numbers.append(' ');
            }
            numbers.append(m.group().replace(",", ""));
        }
        if (!numbers.isEmpty()) {
            return numbers.toString();
        }
        return a.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").replaceAll("[.!?;:]+$", "");
    }
}
