package dev.reasoningrouter.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseEventsTest {

    @Test
    void eventsComeOutWholeHoweverTheBytesAreCut() {
        String stream = "data: {\"a\":\"é\"}\r\n\r\n: a comment\n\ndata: line one\ndata: line two\n\ndata: [DONE]\n\npartial";
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut <= 7; cut++) {
            SseEvents events = new SseEvents();
            List<String> out = new ArrayList<>();
            for (int i = 0; i < bytes.length; i += cut) {
                byte[] chunk = java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + cut));
                out.addAll(events.feed(chunk));
            }
            assertThat(out).as("chunks of %d bytes", cut)
                    .containsExactly("data: {\"a\":\"é\"}", ": a comment", "data: line one\ndata: line two", "data: [DONE]");
            assertThat(events.rest()).isEqualTo("partial");
        }
    }

    @Test
    void dataLinesAreJoinedAndOtherFieldsNoticed() {
        assertThat(SseEvents.data("data: line one\ndata:line two")).isEqualTo("line one\nline two");
        assertThat(SseEvents.data(": comment")).isNull();
        assertThat(SseEvents.onlyData("event: x\ndata: y")).isFalse();
        assertThat(SseEvents.onlyData("data: y")).isTrue();
    }
}
