package dev.reasoningrouter.trainer.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TaskGeneratorTest {
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final Pattern ADD_STEP = Pattern.compile("^(\\d)\\+(\\d)\\+(\\d)=(\\d+) (\\d+)\\+(\\d+) c(\\d) r(\\d+)$");
    private static final Pattern SUB_STEP = Pattern.compile("^(\\d)-(\\d)-(\\d)=(-?\\d+)(?: \\+10=(\\d))? (\\d+)-(\\d+) b(\\d) r(\\d+)$");
    private static final Pattern MUL_STEP = Pattern.compile("^(\\d)\\*(\\d)\\+(\\d)=(\\d+) (\\d+) c(\\d) r(\\d+)$");

    private static List<Long> numbers(String text) {
        List<Long> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            out.add(Long.parseLong(m.group()));
        }
        return out;
    }

    /** The answer computed from the question alone, independently of the generator. */
    private static String expected(Task t) {
        List<Long> n = numbers(t.question());
        String q = t.question().toLowerCase();
        return switch (t.kind()) {
            case ADDITION -> Long.toString(n.get(0) + n.get(1));
            case SUBTRACTION -> Long.toString(q.startsWith("subtract") ? n.get(1) - n.get(0) : n.get(0) - n.get(1));
            case MULTIPLICATION -> Long.toString(n.get(0) * n.get(1));
            case COMPARISON -> Long.toString(q.contains("larger") || q.contains("bigger") ? Math.max(n.get(0), n.get(1))
                    : Math.min(n.get(0), n.get(1)));
            case SORTING -> n.stream().sorted(q.contains("smallest to largest") || q.contains("ascending") || q.contains("increasing")
                    ? java.util.Comparator.naturalOrder() : java.util.Comparator.<Long>reverseOrder())
                    .map(String::valueOf).collect(Collectors.joining(", "));
            case WORD_PROBLEM -> null; // checked through its worked steps
        };
    }

    @Test
    void everyKindAndLevelAnswersItsQuestionCorrectly() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (TaskKind kind : TaskKind.values()) {
            for (int level = Task.MIN_LEVEL; level <= Task.MAX_LEVEL; level++) {
                for (int i = 0; i < 300; i++) {
                    Task t = TaskGenerator.generate(kind, level, rnd);
                    assertThat(t.kind()).isEqualTo(kind);
                    assertThat(t.level()).isEqualTo(level);
                    String want = expected(t);
                    if (want != null) {
                        assertThat(t.answer()).as(t.question()).isEqualTo(want);
                    }
                    checkSteps(t);
                }
            }
        }
        assertThat(java.util.stream.IntStream.of(stepLines).min().orElse(0)).as("column steps of each operation seen").isGreaterThan(1000);
    }

    private final int[] stepLines = new int[3];

    /** Every column step is arithmetic that holds, and the steps end with the answer. */
    private void checkSteps(Task t) {
        String[] lines = t.steps().split("\n");
        for (String line : lines) {
            Matcher a = ADD_STEP.matcher(line);
            if (a.matches()) {
                stepLines[0]++;
                assertThat(d(a, 1) + d(a, 2) + d(a, 3)).as(line).isEqualTo(d(a, 4));
                assertThat(d(a, 7)).as(line).isEqualTo(d(a, 4) / 10);
                assertThat(a.group(8).charAt(0) - '0').as(line).isEqualTo(d(a, 4) % 10);
            }
            Matcher s = SUB_STEP.matcher(line);
            if (s.matches()) {
                stepLines[1]++;
                long diff = d(s, 1) - d(s, 2) - d(s, 3);
                assertThat(diff).as(line).isEqualTo(d(s, 4));
                assertThat(d(s, 8)).as(line).isEqualTo(diff < 0 ? 1 : 0);
                assertThat(s.group(9).charAt(0) - '0').as(line).isEqualTo((int) ((diff + 10) % 10));
            }
            Matcher m = MUL_STEP.matcher(line);
            if (m.matches()) {
                stepLines[2]++;
                assertThat(d(m, 1) * d(m, 2) + d(m, 3)).as(line).isEqualTo(d(m, 4));
                assertThat(d(m, 6)).as(line).isEqualTo(d(m, 4) / 10);
            }
        }
        String last = lines[lines.length - 1];
        switch (t.kind()) {
            case COMPARISON -> assertThat(last).endsWith(" " + t.answer());
            case SORTING -> {
                String[] sorted = t.answer().split(", ");
                assertThat(last).isIn("smallest " + sorted[sorted.length - 1], "largest " + sorted[sorted.length - 1]);
            }
            default -> assertThat(last).as(t.question()).isEqualTo("=" + t.answer());
        }
    }

    private static long d(Matcher m, int group) {
        return Long.parseLong(m.group(group));
    }

    @Test
    void trainingDrawsNeverComeFromTheHeldOutSlice() {
        SplittableRandom rnd = new SplittableRandom(2);
        int heldOutSeen = 0;
        for (int i = 0; i < 5000; i++) {
            TaskKind kind = TaskKind.values()[i % TaskKind.values().length];
            Task t = TaskGenerator.training(kind, 1 + i % 4, rnd);
            assertThat(TaskGenerator.isHeldOut(t.question())).isFalse();
            heldOutSeen += TaskGenerator.isHeldOut(TaskGenerator.generate(kind, 1 + i % 4, rnd).question()) ? 1 : 0;
        }
        // the slice is about one question in sixteen
        assertThat(heldOutSeen).isBetween(5000 / 16 / 2, 5000 / 16 * 2);
    }

    @Test
    void theHeldOutSetIsDistinctHeldOutAndTheSameForTheSameSeed() {
        List<Task> a = TaskGenerator.heldOut(7, 5);
        List<Task> b = TaskGenerator.heldOut(7, 5);
        assertThat(a).hasSize(TaskKind.values().length * 4 * 5).isEqualTo(b);
        Set<String> questions = new HashSet<>();
        for (Task t : a) {
            assertThat(TaskGenerator.isHeldOut(t.question())).isTrue();
            assertThat(questions.add(t.question())).isTrue();
        }
        assertThat(TaskGenerator.heldOut(8, 5)).isNotEqualTo(a);
    }

    @Test
    void levelsGrowHarder() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (TaskKind kind : List.of(TaskKind.ADDITION, TaskKind.MULTIPLICATION, TaskKind.WORD_PROBLEM)) {
            double previous = 0;
            for (int level = 1; level <= 4; level++) {
                double steps = 0;
                for (int i = 0; i < 200; i++) {
                    steps += TaskGenerator.generate(kind, level, rnd).steps().length();
                }
                assertThat(steps).as(kind + " level " + level).isGreaterThan(previous);
                previous = steps;
            }
        }
    }

    @Test
    void corruptedAnswersAreAlwaysWrongAndLookLikeAnswers() {
        SplittableRandom rnd = new SplittableRandom(4);
        for (TaskKind kind : TaskKind.values()) {
            for (int level = 1; level <= 4; level++) {
                for (int i = 0; i < 200; i++) {
                    Task t = TaskGenerator.generate(kind, level, rnd);
                    String wrong = Corruptions.wrongAnswer(t, rnd);
                    assertThat(AnswerChecker.matches(t.answer(), wrong)).as(t.question() + " / " + wrong).isFalse();
                    assertThat(wrong).matches(kind == TaskKind.SORTING ? "-?\\d+(, -?\\d+)*" : "-?\\d+");
                    if (kind == TaskKind.SORTING) {
                        assertThat(wrong.split(", ")).hasSameSizeAs(t.answer().split(", "));
                    }
                }
            }
        }
    }
}
