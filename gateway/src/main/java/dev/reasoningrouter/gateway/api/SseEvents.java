package dev.reasoningrouter.gateway.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a Server-Sent Events byte stream into events, whatever the chunking of the bytes: an event ends at a blank
 * line. Carriage returns are dropped (a CRLF stream reads as LF). One instance per stream; not thread-safe.
 */
final class SseEvents {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** The events completed by {@code chunk}, each without its terminating blank line. */
    List<String> feed(byte[] chunk) {
        for (byte b : chunk) {
            if (b != '\r') {
                pending.write(b);
            }
        }
        byte[] buf = pending.toByteArray();
        List<String> events = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < buf.length; i++) {
            if (buf[i] == '\n' && buf[i - 1] == '\n') {
                if (i - 1 > start) {
                    events.add(new String(buf, start, i - 1 - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        if (start > 0) {
            pending.reset();
            pending.write(buf, start, buf.length - start);
        }
        return events;
    }

    /** What is left after the last complete event (an event the stream never finished), or empty. */
    String rest() {
        return pending.toString(StandardCharsets.UTF_8).strip();
    }

    /** The data of an event: its {@code data:} lines joined by newlines, or null when it has none. */
    static String data(String event) {
        StringBuilder b = null;
        for (String line : event.split("\n")) {
            if (line.startsWith("data:")) {
                String value = line.substring(5);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                b = b == null ? new StringBuilder(value) : b.append('\n').append(value);
            }
        }
        return b == null ? null : b.toString();
    }

    /** True when every line of the event is a {@code data:} line (so it can be rewritten as one). */
    static boolean onlyData(String event) {
        for (String line : event.split("\n")) {
            if (!line.startsWith("data:")) {
                return false;
            }
        }
        return true;
    }
}
