package dev.reasoningrouter.engine.serving;

/** Receives the reply's text as it becomes final (whole characters, stop strings held back). */
@FunctionalInterface
public interface TextListener {
    void onText(String delta);
}
