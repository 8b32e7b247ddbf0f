package dev.reasoningrouter.trainer.tasks;

import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import java.util.List;
import java.util.Objects;

/**
 * A task put as chat: the turns before the reply, the text the reply starts with (rendered after the chat template's
 * generation prompt, given by the caller and not generated: the thinking opener), and the reply the model should give.
 * Serving renders {@code turns} and {@code replyPrefix} exactly as training does.
 */
public record Conversation(List<ChatTurn> turns, String replyPrefix, String reply) {
    public Conversation {
        turns = List.copyOf(Objects.requireNonNull(turns, "turns"));
        replyPrefix = replyPrefix == null ? "" : replyPrefix;
        Objects.requireNonNull(reply, "reply");
    }
}
