package dev.reasoningrouter.pathserving.core;

/**
 * Receives a completion as it is made: thinking and verification text ({@code reasoning_content} over HTTP) and the
 * answer ({@code content}). Called from engine threads: implementations hand the text on and return at once.
 */
public interface CompletionListener {

    default void reasoning(String delta) {}

    default void content(String delta) {}

    CompletionListener NONE = new CompletionListener() {};
}
