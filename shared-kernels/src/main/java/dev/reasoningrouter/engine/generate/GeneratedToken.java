package dev.reasoningrouter.engine.generate;

/**
 * One generated token as it streams.
 *
 * @param index   0 for the first generated token
 * @param logprob natural-log probability of the token under the model's distribution (before temperature/top-p)
 * @param text    the new complete text this token adds (may be empty while a character spans tokens), or null
 *                when the generator has no tokenizer
 */
public record GeneratedToken(int index, int tokenId, float logprob, String text) {}
