package dev.reasoningrouter.classifier.training;

/** One labelled line of a JSONL file: {@code {"text","label","source"}}; source may be null. */
public record Example(String text, boolean reasoning, String source) {
    public static final String REASONING = "reasoning";
    public static final String ROUTINE = "routine";

    public String label() {
        return reasoning ? REASONING : ROUTINE;
    }
}
