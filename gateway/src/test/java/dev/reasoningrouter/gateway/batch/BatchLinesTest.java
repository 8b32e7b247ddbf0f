package dev.reasoningrouter.gateway.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.contracts.InferenceRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class BatchLinesTest {
    private final BatchLines lines = new BatchLines(JsonMapper.builder().build());

    private static String line(String customId, String body) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" + body + "}";
    }

    @Test
    void everyLineIsCheckedAndBadOnesAreReportedByLineNumber() {
        String ok = "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+2?\"}],\"max_tokens\":8}";
        String file = String.join("\n",
                line("a", ok),                                                                     // 1
                line("b", "{\"model\":\"reasoning\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Prove it\"}]}],"
                        + "\"rr\":{\"threshold\":0.3,\"samples\":2,\"max_rounds\":3,\"verify\":false},"
                        + "\"temperature\":0.5,\"seed\":4}"),                                      // 2
                "",                                                                                // 3: blank, skipped
                "{not json",                                                                       // 4
                line("a", ok),                                                                     // 5: duplicate id
                "{\"custom_id\":\"c\",\"method\":\"GET\",\"url\":\"/v1/chat/completions\",\"body\":" + ok + "}", // 6
                "{\"custom_id\":\"d\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":" + ok + "}",      // 7
                line("e", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),     // 8
                line("f", "{\"messages\":[]}"),                                                    // 9
                line("g", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true}"), // 10
                line("h", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}"), // 11
                line("i", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"rr\":{\"threshold\":1.5}}"), // 12
                "{\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" + ok + "}",     // 13: no custom_id
                line("j", "{\"messages\":[{\"role\":\"system\",\"content\":\"only a system message\"}]}"), // 14
                "");
        BatchLines.Validation v = lines.validate(file, "batch_abc", 1000L);
        assertThat(v.accepted()).extracting(BatchLines.Accepted::customId).containsExactly("a", "b");
        assertThat(v.total()).isEqualTo(13);
        assertThat(v.errors()).extracting(LineError::line).containsExactly(4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
        assertThat(v.errors()).extracting(LineError::code).containsExactly("invalid_json", "duplicate_custom_id", "invalid_method",
                "invalid_url", "model_not_found", "invalid_messages", "invalid_value", "invalid_value", "invalid_value",
                "missing_custom_id", "invalid_messages");
        assertThat(v.errors()).allSatisfy(e -> assertThat(e.message()).startsWith("line " + e.line() + ": "));
        assertThat(v.errors().get(1).customId()).isEqualTo("a");

        InferenceRequest a = v.accepted().get(0).request();
        assertThat(a.batchId()).isEqualTo("batch_abc");
        assertThat(a.resultKey()).isEqualTo("batch_abc/a");
        assertThat(a.requestId()).isEqualTo("batch_req_abc_1");
        assertThat(a.maxTokens()).isEqualTo(8);
        assertThat(a.metadata()).isEmpty();
        assertThat(a.createdAtMs()).isEqualTo(1000L);
        InferenceRequest b = v.accepted().get(1).request();
        assertThat(b.metadata()).isEqualTo(Map.of("rr_route", "reasoning", "rr_threshold", "0.3", "rr_samples", "2",
                "rr_max_rounds", "3", "rr_verify", "false"));
        assertThat(b.messages()).hasSize(2);
        assertThat(b.lastUserText()).isEqualTo("Prove it");
        assertThat(b.temperature()).isEqualTo(0.5);
        assertThat(b.seed()).isEqualTo(4L);
    }

    @Test
    void anEmptyFileHasNoLines() {
        assertThat(lines.validate("\n\n", "batch_x", 0).total()).isZero();
        assertThat(lines.validate("", "batch_x", 0).accepted()).isEqualTo(List.of());
    }
}
