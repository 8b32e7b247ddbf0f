package dev.reasoningrouter.classifier.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsLabelsAndOptionalSource() throws Exception {
        Path f = dir.resolve("a.jsonl");
        Files.writeString(f, """
                {"text": "hi", "label": "routine", "source": "clinc150"}

                {"text": "prove it", "label": "reasoning"}
                """);
        List<Example> ex = new JsonlReader().read(f);
        assertThat(ex).containsExactly(new Example("hi", false, "clinc150"), new Example("prove it", true, null));
    }

    @Test
    void badLinesNameTheLineAndTheProblem() throws Exception {
        Path f = dir.resolve("b.jsonl");
        Files.writeString(f, "{\"text\": \"ok\", \"label\": \"routine\"}\n{\"text\": \"x\", \"label\": \"hard\"}\n");
        assertThatThrownBy(() -> new JsonlReader().read(f)).hasMessageContaining("b.jsonl:2").hasMessageContaining("\"hard\"");
        Files.writeString(f, "{\"text\": \"\", \"label\": \"routine\"}\n");
        assertThatThrownBy(() -> new JsonlReader().read(f)).hasMessageContaining(":1").hasMessageContaining("\"text\"");
        Files.writeString(f, "not json\n");
        assertThatThrownBy(() -> new JsonlReader().read(f)).hasMessageContaining("not JSON");
    }
}
