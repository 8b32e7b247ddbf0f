package dev.reasoningrouter.engine.tokenizer;

import java.util.Arrays;

/**
 * Turns generated tokens into text as they arrive, for streaming: a character whose UTF-8 bytes span
 * several tokens (an emoji, often a CJK character) is held back until its last byte arrives, so no chunk
 * carries a half character or a spurious U+FFFD. One instance per sequence; not thread-safe.
 */
public final class StreamingDetokenizer {

    private final Tokenizer tokenizer;
    private byte[] pending = new byte[16];
    private int size;

    public StreamingDetokenizer(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds one token; returns the text it completes (possibly empty). */
    public String push(int id) {
        byte[] b = tokenizer.tokenBytes(id);
        if (size + b.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, size + b.length));
        }
        System.arraycopy(b, 0, pending, size, b.length);
        size += b.length;
        int complete = completePrefix(pending, size);
        if (complete == 0) {
            return "";
        }
        String text = Utf8.decodeLossy(pending, complete);
        System.arraycopy(pending, complete, pending, 0, size - complete);
        size -= complete;
        return text;
    }

    /** The text of bytes still held back (an unfinished character becomes U+FFFD); resets the stream. */
    public String finish() {
        String text = size == 0 ? "" : Utf8.decodeLossy(pending, size);
        size = 0;
        return text;
    }

    /**
     * Length of the prefix that ends on a character boundary: everything except a trailing lead byte whose
     * continuation bytes have not all arrived yet. Invalid bytes count as complete (they decode to U+FFFD).
     */
    static int completePrefix(byte[] bytes, int length) {
        for (int back = 1; back <= 3 && back <= length; back++) {
            int b = bytes[length - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // continuation byte: look further back for its lead
            }
            int need = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 1;
            if (b >= 0xF5) {
                need = 1;
            }
            return need > back ? length - back : length;
        }
        return length;
    }
}
