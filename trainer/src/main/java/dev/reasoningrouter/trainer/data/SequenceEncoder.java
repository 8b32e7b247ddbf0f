package dev.reasoningrouter.trainer.data;

import dev.reasoningrouter.engine.tokenizer.ChatTemplate;
import dev.reasoningrouter.engine.tokenizer.Tokenizer;
import dev.reasoningrouter.trainer.tasks.Conversation;

/**
 * Turns conversations into token sequences exactly as serving will see them: the prompt is the model's own chat
 * template with the generation prompt, plus the reply prefix, encoded on its own (as {@code ModelHost} encodes a
 * prompt); the reply and the end-of-sentence token are encoded after it.
 */
public final class SequenceEncoder {
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final String eos;

    public SequenceEncoder(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.template = ChatTemplate.forVocabulary(tokenizer.vocabulary());
        if (tokenizer.eosId() < 0) {
            throw new IllegalArgumentException("the vocabulary has no end-of-sentence token");
        }
        this.eos = tokenizer.vocabulary().tokens().get(tokenizer.eosId());
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The prompt text serving renders for the conversation. */
    public String promptText(Conversation c) {
        return template.render(c.turns(), true) + c.replyPrefix();
    }

    /** The whole text: prompt, reply, end of sentence. */
    public String fullText(Conversation c) {
        return promptText(c) + c.reply() + eos;
    }

    public TokenSequence encode(Conversation c, int experts) {
        int[] prompt = tokenizer.encode(promptText(c));
        int[] reply = tokenizer.encode(c.reply() + eos);
        int[] all = new int[prompt.length + reply.length];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        System.arraycopy(reply, 0, all, prompt.length, reply.length);
        return new TokenSequence(all, prompt.length, experts);
    }
}
