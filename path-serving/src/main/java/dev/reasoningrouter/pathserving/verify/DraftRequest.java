package dev.reasoningrouter.pathserving.verify;

import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import java.util.List;

/**
 * What the learner is asked to draft in one round.
 *
 * @param conversation the client's conversation
 * @param previous     the draft the critic rejected last round, or null in the first round
 * @param verdict      the critic's verdict on {@code previous}, or null
 * @param round        1-based round number
 * @param sample       0-based self-consistency sample within the round (varies the seed)
 */
public record DraftRequest(List<ChatTurn> conversation, Draft previous, Verdict verdict, int round, int sample) {}
