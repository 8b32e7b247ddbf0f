package dev.reasoningrouter.report;

import dev.reasoningrouter.trainer.tasks.Task;
import dev.reasoningrouter.trainer.tasks.TaskGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One labelled query: its kind (a task family, e.g. {@code addition}), difficulty level (1 = routine .. 4 = hardest in
 * the trainer's tasks), the question sent as the user message and the one canonical answer it is checked against.
 */
public record Query(String kind, int level, String question, String answer) {
    public Query {
        Objects.requireNonNull(kind, "kind");
        if (kind.isBlank() || question == null || question.isBlank() || answer == null || answer.isBlank()) {
            throw new IllegalArgumentException("a query needs a kind, a question and an answer");
        }
        if (level < 1) {
            throw new IllegalArgumentException("a query's level must be at least 1, got " + level);
        }
    }

    static Query of(Task t) {
        return new Query(t.kind().id(), t.level(), t.question(), t.answer());
    }

    /**
     * The trainer's held-out set ({@link TaskGenerator#heldOut}): the same questions {@code ./rr train heldout --seed S
     * --per-cell N} prints, never seen in training.
     */
    public static List<Query> heldOut(long seed, int perCell) {
        return TaskGenerator.heldOut(seed, perCell).stream().map(Query::of).toList();
    }

    /** A JSON-lines file of {@code {"kind","level","question","answer"}} objects (blank lines skipped). */
    public static List<Query> readJsonLines(Path file, JsonMapper json) throws IOException {
        List<Query> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode n = json.readTree(line);
                JsonNode level = n.path("level");
                if (!level.isIntegralNumber()) {
                    throw new IllegalArgumentException("'level' must be a whole number");
                }
                out.add(new Query(text(n, "kind"), level.asInt(), text(n, "question"), text(n, "answer")));
            } catch (JacksonException | IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no queries");
        }
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || v.isContainer()) {
            throw new IllegalArgumentException("'" + field + "' is missing");
        }
        return v.asString();
    }
}
