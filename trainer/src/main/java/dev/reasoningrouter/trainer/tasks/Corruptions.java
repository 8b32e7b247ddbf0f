package dev.reasoningrouter.trainer.tasks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Wrong answers of the kinds a small model produces: one digit off by one, a dropped or extra carry (off by a power
 * of ten), two neighbouring digits swapped, off by one; for lists two neighbours swapped or one number changed; for
 * comparisons the other number. Always different from the correct answer.
 */
public final class Corruptions {
    private Corruptions() {}

    /** A plausible wrong answer to {@code task}. */
    public static String wrongAnswer(Task task, SplittableRandom rnd) {
        for (int attempt = 0; attempt < 50; attempt++) {
            String w = switch (task.kind()) {
                case SORTING -> wrongList(task.answer(), rnd);
                case COMPARISON -> otherNumber(task, rnd);
                default -> wrongNumber(Long.parseLong(task.answer()), rnd);
            };
            if (!AnswerChecker.canonical(w).equals(AnswerChecker.canonical(task.answer()))) {
                return w;
            }
        }
        throw new IllegalStateException("could not corrupt the answer '" + task.answer() + "'");
    }

    static String wrongNumber(long value, SplittableRandom rnd) {
        boolean negative = value < 0;
        long m = Math.abs(value);
        char[] d = Long.toString(m).toCharArray();
        long wrong = switch (rnd.nextInt(4)) {
            case 0 -> { // one digit off by one
                int i = rnd.nextInt(d.length);
                int digit = d[i] - '0';
                int nd = digit == 0 ? 1 : digit == 9 ? 8 : digit + (rnd.nextBoolean() ? 1 : -1);
                if (i == 0 && nd == 0 && d.length > 1) {
                    nd = digit + 1;
                }
                d[i] = (char) ('0' + nd);
                yield Long.parseLong(new String(d));
            }
            case 1 -> { // a dropped or extra carry
                long p = (long) Math.pow(10, rnd.nextInt(Math.max(1, d.length)));
                yield m >= p && rnd.nextBoolean() ? m - p : m + p;
            }
            case 2 -> { // neighbouring digits swapped
                if (d.length < 2) {
                    yield m + 1;
                }
                int i = rnd.nextInt(d.length - 1);
                char t = d[i];
                d[i] = d[i + 1];
                d[i + 1] = t;
                yield d[0] == '0' ? m + 10 : Long.parseLong(new String(d));
            }
            default -> m > 0 && rnd.nextBoolean() ? m - 1 : m + 1;
        };
        if (negative && rnd.nextInt(6) == 0) {
            return Long.toString(m); // the sign lost
        }
        return Long.toString(negative ? -wrong : wrong);
    }

    private static String wrongList(String answer, SplittableRandom rnd) {
        List<String> parts = new ArrayList<>(Arrays.asList(answer.split(",\\s*")));
        if (parts.size() > 1 && rnd.nextBoolean()) {
            int i = rnd.nextInt(parts.size() - 1);
            String t = parts.get(i);
            parts.set(i, parts.get(i + 1));
            parts.set(i + 1, t);
        } else {
            int i = rnd.nextInt(parts.size());
            parts.set(i, wrongNumber(Long.parseLong(parts.get(i)), rnd));
        }
        return String.join(", ", parts);
    }

    private static String otherNumber(Task task, SplittableRandom rnd) {
        // the question names both numbers; the wrong answer is the one that is not the answer
        List<String> numbers = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d+").matcher(task.question());
        while (m.find()) {
            if (!m.group().equals(task.answer())) {
                numbers.add(m.group());
            }
        }
        return numbers.isEmpty() || rnd.nextInt(4) == 0 ? wrongNumber(Long.parseLong(task.answer()), rnd)
                : numbers.get(rnd.nextInt(numbers.size()));
    }
}
