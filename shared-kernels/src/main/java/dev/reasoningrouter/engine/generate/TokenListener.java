package dev.reasoningrouter.engine.generate;

/** Receives tokens as they are generated (on the generator's thread: return quickly). */
@FunctionalInterface
public interface TokenListener {
    void onToken(GeneratedToken token);

    TokenListener NONE = t -> {};
}
