package dev.reasoningrouter.trainer.tasks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Generates tasks of every kind and difficulty level, deterministically from a random source. A fixed slice of the
 * question space (by a hash of the question text, {@link #isHeldOut}) is reserved for evaluation: training draws
 * ({@link #training}) never produce it, held-out sets ({@link #heldOut}) only come from it.
 */
public final class TaskGenerator {
    /** One question in this many belongs to the held-out slice. */
    static final int HELD_OUT_ONE_IN = 16;

    private TaskGenerator() {}

    /** Any task of the kind and level, held out or not. */
    public static Task generate(TaskKind kind, int level, SplittableRandom rnd) {
        Task.checkLevel(level);
        return switch (kind) {
            case ADDITION -> addition(level, rnd);
            case SUBTRACTION -> subtraction(level, rnd);
            case MULTIPLICATION -> multiplication(level, rnd);
            case WORD_PROBLEM -> WordProblems.generate(level, rnd);
            case COMPARISON -> comparison(level, rnd);
            case SORTING -> sorting(level, rnd);
        };
    }

    /** A task for training: never one of the held-out slice. */
    public static Task training(TaskKind kind, int level, SplittableRandom rnd) {
        while (true) {
            Task t = generate(kind, level, rnd);
            if (!isHeldOut(t.question())) {
                return t;
            }
        }
    }

    /** Whether a question belongs to the evaluation slice (stable: {@link String#hashCode} is specified). */
    public static boolean isHeldOut(String question) {
        int h = question.hashCode() * 0x9E3779B1;
        return Math.floorMod(h ^ (h >>> 15), HELD_OUT_ONE_IN) == 0;
    }

    /**
     * A held-out evaluation set: {@code perCell} distinct questions for every kind and level, in kind, level order.
     * The same seed gives the same set.
     */
    public static List<Task> heldOut(long seed, int perCell) {
        if (perCell < 1) {
            throw new IllegalArgumentException("perCell must be at least 1, got " + perCell);
        }
        List<Task> out = new ArrayList<>();
        for (TaskKind kind : TaskKind.values()) {
            for (int level = Task.MIN_LEVEL; level <= Task.MAX_LEVEL; level++) {
                SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + kind.ordinal() * 31L + level);
                Set<String> seen = new HashSet<>();
                int tries = 0;
                while (seen.size() < perCell) {
                    if (++tries > perCell * HELD_OUT_ONE_IN * 200) {
                        throw new IllegalStateException("cannot find " + perCell + " held-out " + kind.id() + " questions at level "
                                + level + " (found " + seen.size() + ")");
                    }
                    Task t = generate(kind, level, rnd);
                    if (isHeldOut(t.question()) && seen.add(t.question())) {
                        out.add(t);
                    }
                }
            }
        }
        return out;
    }

    // --- arithmetic -------------------------------------------------------------------------------------

    private static final String[] ADD_FORMS = {"What is %d + %d?", "Compute %d + %d.", "What is %d plus %d?",
        "%d + %d = ?", "What is the sum of %d and %d?", "Add %d and %d."};
    private static final String[] SUB_FORMS = {"What is %d - %d?", "Compute %d - %d.", "What is %d minus %d?",
        "%d - %d = ?"};
    private static final String[] MUL_FORMS = {"What is %d * %d?", "Compute %d * %d.", "What is %d times %d?",
        "%d x %d = ?", "What is the product of %d and %d?", "Multiply %d by %d."};

    /** Per level, the ranges [from, to) of the first and the second operand. */
    private static final long[][] ADD_FIRST = {{2, 100}, {100, 1000}, {1000, 10_000}, {10_000, 100_000}};
    private static final long[][] ADD_SECOND = {{2, 100}, {10, 1000}, {100, 10_000}, {1000, 100_000}};
    private static final long[][] MUL_FIRST = {{10, 100}, {100, 1000}, {10, 100}, {100, 1000}};
    private static final long[][] MUL_SECOND = {{2, 10}, {2, 10}, {10, 100}, {10, 100}};

    private static long draw(long[][] ranges, int level, SplittableRandom rnd) {
        long[] r = ranges[level - 1];
        return rnd.nextLong(r[0], r[1]);
    }

    private static Task addition(int level, SplittableRandom rnd) {
        return commutative(TaskKind.ADDITION, level, draw(ADD_FIRST, level, rnd), draw(ADD_SECOND, level, rnd), ADD_FORMS, rnd);
    }

    /** Addition or multiplication of a and b, in either order (half each), asked in one of the forms. */
    private static Task commutative(TaskKind kind, int level, long a, long b, String[] forms, SplittableRandom rnd) {
        if (rnd.nextBoolean()) {
            long t = a;
            a = b;
            b = t;
        }
        StringBuilder steps = new StringBuilder();
        long result = kind == TaskKind.ADDITION ? WorkedArithmetic.add(steps, a, b) : WorkedArithmetic.multiply(steps, a, b);
        return new Task(kind, level, String.format(pick(forms, rnd), a, b), Long.toString(result), steps.toString());
    }

    private static Task subtraction(int level, SplittableRandom rnd) {
        long a, b;
        switch (level) {
            case 1 -> {
                a = rnd.nextLong(10, 100);
                b = rnd.nextLong(1, a + 1);
            }
            case 2 -> {
                a = rnd.nextLong(100, 1000);
                b = rnd.nextLong(10, a + 1);
            }
            case 3 -> {
                a = rnd.nextLong(1000, 10_000);
                b = rnd.nextLong(100, 10_000);
            }
            default -> {
                a = rnd.nextLong(10_000, 100_000);
                b = rnd.nextLong(1000, 100_000);
            }
        }
        StringBuilder steps = new StringBuilder();
        long d = WorkedArithmetic.subtract(steps, a, b);
        String form = pick(SUB_FORMS, rnd);
        String q = rnd.nextInt(5) == 0 ? String.format("Subtract %d from %d.", b, a) : String.format(form, a, b);
        return new Task(TaskKind.SUBTRACTION, level, q, Long.toString(d), steps.toString());
    }

    private static Task multiplication(int level, SplittableRandom rnd) {
        return commutative(TaskKind.MULTIPLICATION, level, draw(MUL_FIRST, level, rnd), draw(MUL_SECOND, level, rnd), MUL_FORMS,
                rnd);
    }

    // --- logic ------------------------------------------------------------------------------------------

    private static final String[] LARGER_FORMS = {"Which is larger, %d or %d?", "Which number is bigger: %d or %d?",
        "What is the larger of %d and %d?"};
    private static final String[] SMALLER_FORMS = {"Which is smaller, %d or %d?", "Which number is less: %d or %d?",
        "What is the smaller of %d and %d?"};

    private static Task comparison(int level, SplittableRandom rnd) {
        long a, b;
        do {
            switch (level) {
                case 1 -> {
                    a = rnd.nextLong(1, 100);
                    b = rnd.nextLong(1, 100);
                }
                case 2 -> {
                    a = rnd.nextLong(10, 1000);
                    b = rnd.nextLong(100, 1000);
                }
                case 3 -> {
                    // four digits, the same leading digit
                    a = rnd.nextLong(1000, 10_000);
                    b = a / 1000 * 1000 + rnd.nextLong(0, 1000);
                }
                default -> {
                    // five or six digits that share their first digits
                    a = rnd.nextLong(10_000, 1_000_000);
                    long unit = (long) Math.pow(10, rnd.nextInt(1, WorkedArithmetic.digits(a) - 1));
                    b = a / unit * unit + rnd.nextLong(0, unit);
                }
            }
        } while (a == b);
        if (rnd.nextBoolean()) {
            long t = a;
            a = b;
            b = t;
        }
        boolean larger = rnd.nextBoolean();
        String q = String.format(pick(larger ? LARGER_FORMS : SMALLER_FORMS, rnd), a, b);
        long big = Math.max(a, b), small = Math.min(a, b);
        StringBuilder steps = new StringBuilder();
        String sa = Long.toString(a), sb = Long.toString(b);
        steps.append(sa).append(" has ").append(sa.length()).append(" digits, ").append(sb).append(" has ").append(sb.length())
                .append(" digits\n");
        if (sa.length() == sb.length()) {
            for (int i = 0; i < sa.length(); i++) {
                char x = sa.charAt(i), y = sb.charAt(i);
                if (i > 0) {
                    steps.append(", ");
                }
                steps.append(x).append(x == y ? '=' : x < y ? '<' : '>').append(y);
                if (x != y) {
                    break;
                }
            }
            steps.append('\n');
        }
        steps.append(big).append('>').append(small).append('\n');
        long answer = larger ? big : small;
        steps.append(larger ? "larger " : "smaller ").append(answer).append('\n');
        return new Task(TaskKind.COMPARISON, level, q, Long.toString(answer), steps.toString());
    }

    private static final String[] ASC_FORMS = {"Sort these numbers from smallest to largest: %s.",
        "Sort in ascending order: %s.", "Put these numbers in increasing order: %s."};
    private static final String[] DESC_FORMS = {"Sort these numbers from largest to smallest: %s.",
        "Sort in descending order: %s.", "Put these numbers in decreasing order: %s."};

    private static Task sorting(int level, SplittableRandom rnd) {
        int n = level + 2;
        int max = switch (level) {
            case 1 -> 20;
            case 2 -> 99;
            default -> 999;
        };
        long[] v = new long[n];
        Set<Long> used = new HashSet<>();
        for (int i = 0; i < n; i++) {
            long x;
            do {
                x = level == 4 && i > 0 && rnd.nextInt(3) == 0 ? v[i - 1] + rnd.nextLong(-9, 10) : rnd.nextLong(1, max + 1);
            } while (x < 1 || !used.add(x));
            v[i] = x;
        }
        boolean ascending = rnd.nextBoolean();
        String list = join(v);
        String q = String.format(pick(ascending ? ASC_FORMS : DESC_FORMS, rnd), list);
        StringBuilder steps = new StringBuilder();
        steps.append(list).append('\n');
        List<Long> left = new ArrayList<>(Arrays.stream(v).boxed().toList());
        List<Long> done = new ArrayList<>();
        while (!left.isEmpty()) {
            long pickValue = ascending ? left.stream().mapToLong(Long::longValue).min().orElseThrow()
                    : left.stream().mapToLong(Long::longValue).max().orElseThrow();
            left.remove(pickValue);
            done.add(pickValue);
            steps.append(ascending ? "smallest " : "largest ").append(pickValue);
            if (!left.isEmpty()) {
                steps.append(", left ").append(left.stream().map(String::valueOf).collect(Collectors.joining(", ")));
            }
            steps.append('\n');
        }
        String answer = done.stream().map(String::valueOf).collect(Collectors.joining(", "));
        return new Task(TaskKind.SORTING, level, q, answer, steps.toString());
    }

    private static String join(long[] v) {
        return Arrays.stream(v).mapToObj(Long::toString).collect(Collectors.joining(", "));
    }

    private static String pick(String[] forms, SplittableRandom rnd) {
        return forms[rnd.nextInt(forms.length)];
    }
}
