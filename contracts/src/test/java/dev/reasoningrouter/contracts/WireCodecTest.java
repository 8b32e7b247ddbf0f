package dev.reasoningrouter.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireCodecTest {
    private final WireCodec codec = new WireCodec();

    @Test
    void requestRoundTripsAndFindsLastUserMessage() {
        InferenceRequest request = new InferenceRequest("r1", "b1", "c1", "rr-auto",
                List.of(new ChatMessage("system", "be brief"), new ChatMessage("user", "hi"),
                        new ChatMessage("assistant", "hello"), new ChatMessage("user", "prove it")),
                64, 0.0, null, 7L, Map.of("team", "x"), 123L);
        InferenceRequest back = codec.decode(codec.encode(request), InferenceRequest.class);
        assertThat(back).isEqualTo(request);
        assertThat(back.lastUserText()).isEqualTo("prove it");
        assertThat(back.resultKey()).isEqualTo("b1/c1");
    }

    @Test
    void anErrorResultKeepsItsMessage() {
        InferenceResult error = new InferenceResult("r1", "b1", "c1", "fast", "m", null, null, null, 0, 0, 0,
                "temperature must be between 0 and 2", "invalid_value", 400,
                Map.of("error", Map.of("message", "temperature must be between 0 and 2")), null, 1L);
        String json = codec.encode(error);
        assertThat(json).contains("\"error\":\"temperature must be between 0 and 2\"");
        InferenceResult back = codec.decode(json, InferenceResult.class);
        assertThat(back).isEqualTo(error);
        assertThat(back.isError()).isTrue();
    }

    @Test
    void malformedPayloadsSayWhy() {
        assertThatThrownBy(() -> codec.decode("{not json", InferenceRequest.class))
                .isInstanceOf(WireCodec.MalformedRecordException.class)
                .hasMessageContaining("InferenceRequest");
        assertThatThrownBy(() -> codec.decode("", InferenceRequest.class))
                .hasMessageContaining("empty payload");
        assertThatThrownBy(() -> codec.decode("null", InferenceRequest.class))
                .hasMessageContaining("JSON null");
    }

    @Test
    void resultsTopicIsCompactedAndPartitionsAreChecked() {
        assertThat(Topics.definitions(2, (short) 1)).hasSize(6)
                .allSatisfy(t -> assertThat(t.numPartitions()).isEqualTo(2));
        assertThat(Topics.definitions(1, (short) 1).stream().filter(t -> t.name().equals(Topics.RESULTS)).findFirst().orElseThrow()
                .configs()).containsEntry("cleanup.policy", "compact");
        assertThatThrownBy(() -> Topics.definitions(0, (short) 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Topics.resultKey(null, null, "r9")).isEqualTo("r9");
    }
}
