package dev.reasoningrouter.pathserving.verify;

/** Receives a draft as it is generated: its thinking, then its answer. Called from engine threads: return at once. */
public interface DraftListener {
    void thinking(String delta);

    void answer(String delta);

    DraftListener NONE = new DraftListener() {
        @Override
        public void thinking(String delta) {}

        @Override
        public void answer(String delta) {}
    };
}
