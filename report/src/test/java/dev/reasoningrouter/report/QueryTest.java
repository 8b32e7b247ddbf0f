package dev.reasoningrouter.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reasoningrouter.trainer.tasks.AnswerChecker;
import dev.reasoningrouter.trainer.tasks.TaskGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class QueryTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void theDefaultSetIsTheTrainersHeldOutSet() {
        List<Query> q = Query.heldOut(7, 2);
        var tasks = TaskGenerator.heldOut(7, 2);
        assertThat(q).hasSize(tasks.size()).hasSize(6 * 4 * 2);
        for (int i = 0; i < q.size(); i++) {
            assertThat(q.get(i).question()).isEqualTo(tasks.get(i).question());
            assertThat(q.get(i).answer()).isEqualTo(tasks.get(i).answer());
            assertThat(q.get(i).level()).isEqualTo(tasks.get(i).level());
            assertThat(q.get(i).kind()).isEqualTo(tasks.get(i).kind().id());
            assertThat(TaskGenerator.isHeldOut(q.get(i).question())).isTrue();
            assertThat(AnswerChecker.matches(q.get(i).answer(), q.get(i).answer())).isTrue();
        }
        assertThat(q.stream().map(Query::level).distinct().sorted().toList()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void readsJsonLines(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("q.jsonl");
        Files.writeString(f, """
                {"kind":"addition","level":1,"question":"What is 2 + 3?","answer":"5"}

                {"kind":"capital","level":2,"question":"Capital of France?","answer":"Paris","extra":1}
                """);
        assertThat(Query.readJsonLines(f, JSON)).containsExactly(new Query("addition", 1, "What is 2 + 3?", "5"),
                new Query("capital", 2, "Capital of France?", "Paris"));
    }

    @Test
    void badLinesAreRefusedWithTheirLineNumber(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("q.jsonl");
        Files.writeString(f, """
                {"kind":"addition","level":1,"question":"What is 2 + 3?","answer":"5"}
                {"kind":"addition","level":"hard","question":"What is 2 + 3?","answer":"5"}
                """);
        assertThatThrownBy(() -> Query.readJsonLines(f, JSON)).hasMessageContaining("line 2").hasMessageContaining("level");
        Files.writeString(f, "{\"kind\":\"addition\",\"level\":1,\"question\":\"What is 2 + 3?\"}\n");
        assertThatThrownBy(() -> Query.readJsonLines(f, JSON)).hasMessageContaining("line 1").hasMessageContaining("answer");
        Files.writeString(f, "not json\n");
        assertThatThrownBy(() -> Query.readJsonLines(f, JSON)).hasMessageContaining("line 1");
        Files.writeString(f, "\n\n");
        assertThatThrownBy(() -> Query.readJsonLines(f, JSON)).hasMessageContaining("no queries");
    }
}
