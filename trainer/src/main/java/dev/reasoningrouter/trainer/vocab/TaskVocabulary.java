package dev.reasoningrouter.trainer.vocab;

import dev.reasoningrouter.engine.prompt.ReasoningPrompts;
import dev.reasoningrouter.engine.synth.SyntheticVocabulary;
import dev.reasoningrouter.engine.tokenizer.BpeTokenizer;
import dev.reasoningrouter.engine.tokenizer.ChatTemplate;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import dev.reasoningrouter.trainer.data.Example;
import dev.reasoningrouter.trainer.data.ExampleSampler;
import dev.reasoningrouter.trainer.tasks.Forms;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The project model's tokenizer: BPE learned from a sample of the training stream, with DeepSeek-V3's special tokens
 * (BOS, EOS, {@code <｜User｜>}, {@code <｜Assistant｜>}), {@code <think>} and {@code </think>} as special tokens,
 * DeepSeek-V3's chat template, and the critic's words {@code yes} and {@code no} as single tokens (made so when the
 * learned merges alone do not, and checked).
 */
public final class TaskVocabulary {
    private TaskVocabulary() {}

    public static final List<BpeTrainer.Special> SPECIALS = List.of(
            new BpeTrainer.Special(SyntheticVocabulary.BOS, TokenizerVocabulary.TYPE_CONTROL),
            new BpeTrainer.Special(SyntheticVocabulary.EOS, TokenizerVocabulary.TYPE_CONTROL),
            new BpeTrainer.Special(SyntheticVocabulary.USER, TokenizerVocabulary.TYPE_USER_DEFINED),
            new BpeTrainer.Special(SyntheticVocabulary.ASSISTANT, TokenizerVocabulary.TYPE_USER_DEFINED),
            new BpeTrainer.Special(ReasoningPrompts.THINK_OPEN.strip(), TokenizerVocabulary.TYPE_USER_DEFINED),
            new BpeTrainer.Special(ReasoningPrompts.THINK_CLOSE, TokenizerVocabulary.TYPE_USER_DEFINED));

    /** A stand-in of the right size and special tokens, to size a model before the vocabulary is learned. */
    public static TokenizerVocabulary placeholder(int size) {
        return SyntheticVocabulary.generate(size);
    }

    /**
     * Learns the vocabulary from {@code samples} examples of the sampler's stream (drawn from {@code seed}).
     *
     * @throws IllegalStateException when the critic's words did not become single tokens
     */
    public static TokenizerVocabulary learn(ExampleSampler sampler, long seed, int samples, int size) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ChatTemplate template = ChatTemplate.named(ChatTemplate.DEEPSEEK_V3);
        List<String> corpus = new ArrayList<>(samples);
        for (int i = 0; i < samples; i++) {
            Example e = sampler.next(rnd);
            corpus.add(template.render(e.conversation().turns(), true) + e.conversation().replyPrefix() + e.conversation().reply()
                    + SyntheticVocabulary.EOS);
        }
        TokenizerVocabulary v = BpeTrainer.train(corpus, size, SPECIALS, SyntheticVocabulary.CHAT_TEMPLATE,
                List.of(Forms.ACCEPT, Forms.REJECT));
        BpeTokenizer tok = BpeTokenizer.fromVocabulary(v);
        for (String word : List.of(Forms.ACCEPT, Forms.REJECT)) {
            if (tok.encode(word).length != 1) {
                throw new IllegalStateException("the critic's word '" + word + "' is not one token in the learned vocabulary");
            }
        }
        return v;
    }
}
