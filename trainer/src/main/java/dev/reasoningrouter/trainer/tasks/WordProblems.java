package dev.reasoningrouter.trainer.tasks;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Short word problems built from templates: one to three operations applied left to right
 * ({@code ((a op b) op c) op d}), multiplication only first and only by a one-digit factor, every intermediate result
 * non-negative. The worked form first writes the expression the text describes, then works each operation.
 */
final class WordProblems {
    private WordProblems() {}

    private static final List<String> NAMES = List.of("Tom", "Sara", "Ali", "Mia", "Ken", "Lena", "Omar", "Ines", "Raj",
            "Eva", "Noah", "Yuki", "Ben", "Zoe", "Ivan", "Ana");
    private static final List<String> ITEMS = List.of("apples", "marbles", "stickers", "coins", "pencils", "cards",
            "stamps", "shells", "books", "candies", "beads", "toy cars");

    enum Op {
        ADD('+'), SUB('-'), MUL('*');
        final char sign;

        Op(char sign) {
            this.sign = sign;
        }
    }

    /** A template: its operations in order and its text with {N} (name), {I} (item) and {0}..{3} (numbers). */
    private record Template(List<Op> ops, String text) {}

    private static final List<Template> TEMPLATES = List.of(
            t("{N} has {0} {I}. {N} gets {1} more. How many {I} does {N} have now?", Op.ADD),
            t("There are {0} {I} in a box and {1} {I} on the table. How many {I} are there in all?", Op.ADD),
            t("{N} collected {0} {I} on Monday and {1} {I} on Tuesday. How many {I} did {N} collect?", Op.ADD),
            t("{N} had {0} {I} and gave {1} to a friend. How many {I} does {N} have left?", Op.SUB),
            t("A shop had {0} {I}. It sold {1} of them. How many {I} are left?", Op.SUB),
            t("{N} needs {0} {I} and already has {1}. How many more {I} does {N} need?", Op.SUB),
            t("{N} buys {0} bags with {1} {I} in each bag. How many {I} does {N} buy?", Op.MUL),
            t("There are {0} rows of {1} chairs. How many chairs are there?", Op.MUL),
            t("{N} has {0} {I}, finds {1} more and then loses {2}. How many {I} does {N} have now?", Op.ADD, Op.SUB),
            t("A bus has {0} passengers. At a stop {1} get off and {2} get on. How many passengers are on the bus now?",
                    Op.SUB, Op.ADD),
            t("{N} packs {0} boxes of {1} {I} and has {2} {I} left over. How many {I} are there in total?", Op.MUL, Op.ADD),
            t("A baker makes {0} trays of {1} cookies and sells {2} cookies. How many cookies are left?", Op.MUL, Op.SUB),
            t("{N} reads {0} pages on Monday, {1} pages on Tuesday and {2} pages on Wednesday. How many pages is that?",
                    Op.ADD, Op.ADD),
            t("{N} buys {0} packs of {1} {I}, gets {2} more as a gift and gives {3} away. How many {I} does {N} have now?",
                    Op.MUL, Op.ADD, Op.SUB),
            t("A library has {0} books. It buys {1} new books, lends out {2} and throws away {3} old ones. "
                    + "How many books are in the library now?", Op.ADD, Op.SUB, Op.SUB),
            t("A farmer plants {0} rows of {1} trees, {2} trees die and he plants {3} new ones. How many trees are there now?",
                    Op.MUL, Op.SUB, Op.ADD),
            t("{N} has {0} {I}. {N} wins {1}, wins {2} more and then loses {3}. How many {I} does {N} have now?",
                    Op.ADD, Op.ADD, Op.SUB));

    private static Template t(String text, Op... ops) {
        return new Template(List.of(ops), text);
    }

    /** How many operations a level's problems have, and how big their numbers are. */
    static Task generate(int level, SplittableRandom rnd) {
        int opCount = switch (level) {
            case 1, 2 -> 1;
            case 3 -> 2;
            default -> 3;
        };
        List<Template> fitting = TEMPLATES.stream().filter(t -> t.ops().size() == opCount)
                .filter(t -> level > 1 || !t.ops().contains(Op.MUL)).toList();
        Template tpl = fitting.get(rnd.nextInt(fitting.size()));
        int max = switch (level) {
            case 1 -> 20;
            case 2 -> 99;
            case 3 -> 99;
            default -> 199;
        };
        long[] nums = new long[opCount + 1];
        long value;
        // first operand (or the first product)
        if (tpl.ops().get(0) == Op.MUL) {
            nums[0] = rnd.nextInt(2, level >= 4 ? 30 : 13);
            nums[1] = rnd.nextInt(2, 10);
            value = nums[0] * nums[1];
        } else {
            nums[0] = rnd.nextInt(level == 1 ? 2 : 10, max + 1);
            value = nums[0];
        }
        for (int i = tpl.ops().get(0) == Op.MUL ? 1 : 0; i < opCount; i++) {
            Op op = tpl.ops().get(i);
            if (op == Op.ADD) {
                nums[i + 1] = rnd.nextInt(1, max + 1);
                value += nums[i + 1];
            } else if (op == Op.SUB) {
                if (value < 1) {
                    return generate(level, rnd);
                }
                nums[i + 1] = rnd.nextLong(1, value + 1);
                value -= nums[i + 1];
            } else if (i > 0) {
                throw new IllegalStateException("multiplication comes first in every template");
            }
        }
        String name = NAMES.get(rnd.nextInt(NAMES.size()));
        String item = ITEMS.get(rnd.nextInt(ITEMS.size()));
        String q = tpl.text().replace("{N}", name).replace("{I}", item);
        for (int i = 0; i <= opCount; i++) {
            q = q.replace("{" + i + "}", Long.toString(nums[i]));
        }
        StringBuilder steps = new StringBuilder();
        if (opCount > 1) {
            // the whole expression first; each operation's own header follows
            steps.append(nums[0]);
            for (int i = 0; i < opCount; i++) {
                steps.append(tpl.ops().get(i).sign).append(nums[i + 1]);
            }
            steps.append('\n');
        }
        long acc = nums[0];
        for (int i = 0; i < opCount; i++) {
            long b = nums[i + 1];
            acc = switch (tpl.ops().get(i)) {
                case ADD -> WorkedArithmetic.add(steps, acc, b);
                case SUB -> WorkedArithmetic.subtract(steps, acc, b);
                case MUL -> WorkedArithmetic.multiply(steps, acc, b);
            };
        }
        if (acc != value) {
            throw new IllegalStateException("word problem worked to " + acc + ", expected " + value);
        }
        return new Task(TaskKind.WORD_PROBLEM, level, q, Long.toString(value), steps.toString());
    }
}
