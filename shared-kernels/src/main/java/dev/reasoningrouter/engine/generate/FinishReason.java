package dev.reasoningrouter.engine.generate;

/** Why a sequence ended. */
public enum FinishReason {
    /** The model produced its end-of-sequence token. */
    EOS,
    /** A stop sequence or stop string matched. */
    STOP,
    /** The token limit was reached. */
    LENGTH,
    /** The caller cancelled it. */
    CANCELLED
}
