package dev.reasoningrouter.engine.tokenizer;

import java.util.HashMap;
import java.util.Map;

/**
 * Finds added (special) tokens in text before any other splitting: at the leftmost position where one
 * starts, the longest one wins (Hugging Face's leftmost-longest added-token split; llama.cpp's
 * special-token partition gives the same pieces for DeepSeek's vocabularies).
 */
final class SpecialTokenMatcher {

    /** Receives the pieces of a text in order. */
    interface Sink {
        void text(int start, int end);

        void special(int id);
    }

    private static final class Node {
        final Map<Character, Node> children = new HashMap<>(4);
        int id = -1;
    }

    private final Node root = new Node();
    private final java.util.BitSet firstChars = new java.util.BitSet(1 << 16);
    private final Map<String, Integer> ids = new HashMap<>();

    void add(String text, int id) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("special token " + id + " has empty text");
        }
        Node node = root;
        for (int i = 0; i < text.length(); i++) {
            node = node.children.computeIfAbsent(text.charAt(i), c -> new Node());
        }
        if (node.id < 0) {
            node.id = id;
            ids.put(text, id);
        }
        firstChars.set(text.charAt(0));
    }

    Integer idOf(String text) {
        return ids.get(text);
    }

    int count() {
        return ids.size();
    }

    void split(String text, Sink sink) {
        int n = text.length();
        int segment = 0;
        int i = 0;
        while (i < n) {
            if (!firstChars.get(text.charAt(i))) {
                i++;
                continue;
            }
            Node node = root;
            int matchEnd = -1;
            int matchId = -1;
            for (int j = i; j < n; j++) {
                node = node.children.get(text.charAt(j));
                if (node == null) {
                    break;
                }
                if (node.id >= 0) {
                    matchEnd = j + 1;
                    matchId = node.id;
                }
            }
            if (matchEnd < 0) {
                i++;
                continue;
            }
            if (segment < i) {
                sink.text(segment, i);
            }
            sink.special(matchId);
            i = matchEnd;
            segment = matchEnd;
        }
        if (segment < n) {
            sink.text(segment, n);
        }
    }
}
