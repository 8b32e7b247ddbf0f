package dev.reasoningrouter.pathserving.verify;

import dev.reasoningrouter.engine.generate.CancellationToken;

/** The critic of the verification loop: scores a draft answer to a question. */
public interface Verifier {

    /** A name for reports, e.g. "model-critic". */
    String name();

    /**
     * Judges {@code answer} to {@code question}.
     *
     * @throws RuntimeException when the critic cannot judge (the loop then stops and returns the best draft so far)
     */
    Verdict verify(String question, String answer, CancellationToken cancel);
}
