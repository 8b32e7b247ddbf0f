package dev.reasoningrouter.trainer.tasks;

/** The ways one task is put to the model (see {@link Forms}). */
public enum Form {
    /** The question; the reply is the answer only (what the fast path serves). */
    DIRECT,
    /** The question, the thinking opener; the reply is the steps, the closer and the answer (the reasoning path). */
    WORKED,
    /** "Is this answer correct?"; the reply is yes or no (the verifier). */
    CRITIC,
    /** A wrong draft, the reviewer's request to check it; the reply is the worked solution (the refine round). */
    REFINE
}
