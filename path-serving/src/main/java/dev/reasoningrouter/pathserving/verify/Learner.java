package dev.reasoningrouter.pathserving.verify;

import dev.reasoningrouter.engine.generate.CancellationToken;

/** Drafts answers: the learner of the verification loop. */
public interface Learner {

    /** Drafts one answer; a rejected previous draft and its critique, when given, are shown to it to refine. */
    Draft draft(DraftRequest request, DraftListener listener, CancellationToken cancel);
}
