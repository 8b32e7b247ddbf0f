package dev.reasoningrouter.trainer.vocab;

import dev.reasoningrouter.engine.synth.SyntheticVocabulary;
import dev.reasoningrouter.engine.tokenizer.BpeTokenizer;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabulary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns a byte-level BPE vocabulary from a corpus, as llama.cpp stores one ({@code tokenizer.ggml.model = gpt2}):
 * the 256 byte tokens (GPT-2's byte-to-unicode form), the learned merges in order, then the special tokens. Pairs are
 * counted inside the pieces of the engine's own pre-tokenizer (so the merges fit how the engine and llama.cpp
 * encode), special tokens are cut out of the text first, and no merge ever joins two digits: every digit stays its own
 * token, which is what makes arithmetic learnable digit by digit.
 */
public final class BpeTrainer {
    public static final String PRE_TOKENIZER = "deepseek-v3";

    private BpeTrainer() {}

    /** A special token and its llama.cpp token type. */
    public record Special(String text, int type) {}

    /**
     * Trains the vocabulary.
     *
     * @param corpus   texts that may contain the special tokens
     * @param size     the vocabulary's exact size: 256 byte tokens + merges + specials; fewer merges (and
     *                 {@code <｜place▁holder▁no▁N｜>} fillers) when the corpus has no more pairs worth merging
     * @param specials the special tokens in id order after the merges; the first is BOS, the second EOS
     */
    public static TokenizerVocabulary train(List<String> corpus, int size, List<Special> specials, String chatTemplate) {
        return train(corpus, size, specials, chatTemplate, List.of());
    }

    /**
     * As {@link #train(List, int, List, String)}, and each of {@code wholeWords} (standing alone) encodes to one token:
     * where the learned merges do not already make it one, the last learned merges give way to merges that do.
     */
    public static TokenizerVocabulary train(List<String> corpus, int size, List<Special> specials, String chatTemplate,
                                            List<String> wholeWords) {
        int maxMerges = size - 256 - specials.size();
        if (maxMerges < 0) {
            throw new IllegalArgumentException("a vocabulary of " + size + " tokens cannot hold 256 bytes and "
                    + specials.size() + " special tokens");
        }
        String[] b2u = SyntheticVocabulary.byteToUnicode();
        Map<String, Long> pieceCounts = new HashMap<>();
        for (String text : corpus) {
            for (String segment : ordinarySegments(text, specials)) {
                for (String piece : BpeTokenizer.preTokenize(PRE_TOKENIZER, segment)) {
                    pieceCounts.merge(piece, 1L, Long::sum);
                }
            }
        }
        // each distinct piece as its byte symbols, with its count; all-digit pieces never merge
        List<List<String>> words = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        pieceCounts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (e.getKey().chars().allMatch(Character::isDigit)) {
                return;
            }
            List<String> symbols = new ArrayList<>();
            for (byte b : e.getKey().getBytes(StandardCharsets.UTF_8)) {
                symbols.add(b2u[b & 0xFF]);
            }
            words.add(symbols);
            counts.add(e.getValue());
        });
        List<String> tokens = new ArrayList<>(List.of(b2u));
        List<String> merges = new ArrayList<>();
        while (merges.size() < maxMerges) {
            Map<String, Long> pairs = new LinkedHashMap<>();
            for (int w = 0; w < words.size(); w++) {
                List<String> s = words.get(w);
                for (int i = 0; i + 1 < s.size(); i++) {
                    pairs.merge(s.get(i) + " " + s.get(i + 1), counts.get(w), Long::sum);
                }
            }
            String best = null;
            long bestCount = 1; // a pair seen once is not worth a token
            for (Map.Entry<String, Long> e : pairs.entrySet()) {
                long c = e.getValue();
                if (c > bestCount || (c == bestCount && best != null && e.getKey().compareTo(best) < 0)) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (best == null) {
                break;
            }
            merges.add(best);
            int space = best.indexOf(' ');
            String left = best.substring(0, space), right = best.substring(space + 1), joined = left + right;
            tokens.add(joined);
            for (List<String> s : words) {
                for (int i = 0; i + 1 < s.size(); i++) {
                    if (s.get(i).equals(left) && s.get(i + 1).equals(right)) {
                        s.set(i, joined);
                        s.remove(i + 1);
                    }
                }
            }
        }
        if (!wholeWords.isEmpty()) {
            makeOneToken(wholeWords, b2u, tokens, merges);
        }
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            types.add(TokenizerVocabulary.TYPE_NORMAL);
        }
        for (int i = 0; tokens.size() + specials.size() < size; i++) {
            tokens.add("<｜place▁holder▁no▁" + i + "｜>");
            types.add(TokenizerVocabulary.TYPE_USER_DEFINED);
        }
        int bos = tokens.size();
        for (Special s : specials) {
            tokens.add(s.text());
            types.add(s.type());
        }
        return new TokenizerVocabulary("gpt2", PRE_TOKENIZER, List.copyOf(tokens), types.stream().mapToInt(Integer::intValue).toArray(),
                List.copyOf(merges), bos, bos + 1, bos + 1, chatTemplate);
    }

    /**
     * Replaces as few of the last learned merges as needed by merges that join each whole word into one token (none
     * when the learned merges already do).
     */
    private static void makeOneToken(List<String> words, String[] b2u, List<String> tokens, List<String> merges) {
        for (int dropped = 0; dropped <= merges.size(); dropped++) {
            List<String> kept = new ArrayList<>(merges.subList(0, merges.size() - dropped));
            int learned = kept.size();
            for (String word : words) {
                List<String> symbols = applyMerges(word, b2u, kept);
                while (symbols.size() > 1) {
                    kept.add(symbols.get(0) + " " + symbols.get(1));
                    symbols.set(0, symbols.get(0) + symbols.remove(1));
                }
            }
            if (kept.size() - learned <= dropped) {
                merges.clear();
                merges.addAll(kept);
                tokens.subList(256, tokens.size()).clear();
                for (String m : kept) {
                    tokens.add(m.replace(" ", ""));
                }
                return;
            }
        }
        throw new IllegalStateException("cannot make " + words + " single tokens");
    }

    /** BPE on one piece: the best-ranked adjacent pair merges first. */
    private static List<String> applyMerges(String piece, String[] b2u, List<String> merges) {
        List<String> symbols = new ArrayList<>();
        for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
            symbols.add(b2u[b & 0xFF]);
        }
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < merges.size(); i++) {
            rank.putIfAbsent(merges.get(i), i);
        }
        while (symbols.size() > 1) {
            int best = -1, bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer r = rank.get(symbols.get(i) + " " + symbols.get(i + 1));
                if (r != null && r < bestRank) {
                    best = i;
                    bestRank = r;
                }
            }
            if (best < 0) {
                break;
            }
            symbols.set(best, symbols.get(best) + symbols.remove(best + 1));
        }
        return symbols;
    }

    /** The parts of {@code text} between occurrences of the special tokens. */
    static List<String> ordinarySegments(String text, List<Special> specials) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int next = -1;
            String found = null;
            for (Special s : specials) {
                int at = text.indexOf(s.text(), start);
                if (at >= 0 && (next < 0 || at < next || (at == next && s.text().length() > found.length()))) {
                    next = at;
                    found = s.text();
                }
            }
            if (next < 0) {
                out.add(text.substring(start));
                break;
            }
            if (next > start) {
                out.add(text.substring(start, next));
            }
            start = next + found.length();
        }
        return out;
    }
}
