package dev.reasoningrouter.pathserving.verify;

import dev.reasoningrouter.engine.prompt.ReasoningPrompts;

/**
 * Splits a reply streamed after the thinking opener into its thinking and its answer, as the text arrives: everything
 * before {@link ReasoningPrompts#THINK_CLOSE} is thinking, everything after it the answer (leading blank lines
 * dropped). Text that could be the start of the closing tag is held back until it is decided, so the tag never leaks
 * into either part. Not thread-safe: one reply at a time, as the engine delivers it.
 */
public final class ThinkingSplitter {
    private static final String CLOSE = ReasoningPrompts.THINK_CLOSE;
    private final DraftListener listener;
    private final StringBuilder held = new StringBuilder();
    private boolean answering;
    private boolean answerStarted;

    /** @param thinking false when the reply has no thinking: everything is answer */
    public ThinkingSplitter(DraftListener listener, boolean thinking) {
        this.listener = listener;
        this.answering = !thinking;
    }

    public void accept(String delta) {
        if (answering) {
            answer(delta);
            return;
        }
        held.append(delta);
        int close = held.indexOf(CLOSE);
        if (close >= 0) {
            if (close > 0) {
                listener.thinking(held.substring(0, close));
            }
            String rest = held.substring(close + CLOSE.length());
            held.setLength(0);
            answering = true;
            answer(rest);
            return;
        }
        int keep = partialCloseSuffix(held);
        if (held.length() > keep) {
            listener.thinking(held.substring(0, held.length() - keep));
            held.delete(0, held.length() - keep);
        }
    }

    /** At the end of the reply: text held back as a possible tag start was thinking after all. */
    public void finish() {
        if (!answering && !held.isEmpty()) {
            listener.thinking(held.toString());
            held.setLength(0);
        }
    }

    private void answer(String delta) {
        String d = answerStarted ? delta : delta.stripLeading();
        if (!d.isEmpty()) {
            answerStarted = true;
            listener.answer(d);
        }
    }

    /** The length of the longest suffix of {@code s} that is a proper prefix of the closing tag. */
    private static int partialCloseSuffix(CharSequence s) {
        for (int k = Math.min(CLOSE.length() - 1, s.length()); k > 0; k--) {
            boolean match = true;
            for (int i = 0; i < k && match; i++) {
                match = s.charAt(s.length() - k + i) == CLOSE.charAt(i);
            }
            if (match) {
                return k;
            }
        }
        return 0;
    }
}
