package dev.reasoningrouter.contracts;

import java.nio.charset.StandardCharsets;

/**
 * The largest record value a stage produces: below the broker's default message limit (1 MiB) with room for the key
 * and headers. A record over it would fail its transaction on every retry and wedge the partition, so stages cut or
 * dead-letter what would not fit instead of sending it.
 */
public final class RecordLimit {
    public static final int MAX_BYTES = 1_000_000;

    private RecordLimit() {}

    /** The value's size on the wire (UTF-8). */
    public static int bytes(String value) {
        return value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length;
    }

    public static boolean fits(String value) {
        return bytes(value) <= MAX_BYTES;
    }
}
