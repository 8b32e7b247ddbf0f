package dev.reasoningrouter.engine.format;

/**
 * A model file or checkpoint that cannot be used: corrupt, truncated, inconsistent or of an unsupported kind.
 * The message always names the file and, where there is one, the tensor or metadata key and what was expected.
 */
public class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
