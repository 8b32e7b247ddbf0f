package dev.reasoningrouter.engine.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE, as Hugging Face tokenizers and llama.cpp run it for DeepSeek models.
 *
 * <p>Encoding: added (special) tokens are cut out of the text first and map straight to their ids; the
 * rest goes through the pre-tokenizer's regex splits; each piece becomes its UTF-8 bytes, each byte one
 * symbol (the token of its GPT-2 byte-to-unicode char); then adjacent symbols merge, always the pair
 * with the best (lowest) merge rank first and the leftmost among equals, until no pair has a merge.
 * Decoding concatenates the tokens' bytes and reads them as UTF-8, with U+FFFD for invalid sequences.
 *
 * <p>Instances are immutable apart from a bounded cache of encoded pieces and are safe to share
 * between threads. Build one with {@link #fromVocabulary} (a GGUF file's {@code tokenizer.ggml.*})
 * or {@link #fromTokenizerJson} (a Hugging Face {@code tokenizer.json}).
 */
public final class BpeTokenizer implements Tokenizer {

    /** Pieces cached at most; repeated words ("the", " of", indentation) are most of any text. */
    private static final int CACHE_LIMIT = 1 << 16;
    /** Longer pieces are rare and not worth caching. */
    private static final int CACHE_MAX_PIECE = 64;

    private final TokenizerVocabulary vocabulary;
    private final PreTokenizer preTokenizer;
    private final String[] tokens;
    private final int[] types;
    private final byte[][] tokenBytes;
    private final int[] byteToken = new int[256];
    private final MergeTable merges;
    private final SpecialTokenMatcher specials = new SpecialTokenMatcher();
    private final Map<String, int[]> pieceCache = new ConcurrentHashMap<>();

    private BpeTokenizer(TokenizerVocabulary v) {
        if (v == null) {
            throw new IllegalArgumentException("vocabulary is null");
        }
        if (!"gpt2".equals(v.model())) {
            throw new IllegalArgumentException("tokenizer.ggml.model is '" + v.model()
                    + "'; only byte-level BPE ('gpt2') is supported");
        }
        List<String> tokenList = v.tokens();
        if (tokenList == null || tokenList.isEmpty()) {
            throw new IllegalArgumentException("tokenizer.ggml.tokens is missing or empty");
        }
        int n = tokenList.size();
        if (v.tokenTypes() == null || v.tokenTypes().length != n) {
            throw new IllegalArgumentException("tokenizer.ggml.token_type has "
                    + (v.tokenTypes() == null ? "no entries" : v.tokenTypes().length + " entries")
                    + "; expected one per token (" + n + ")");
        }
        if (v.merges() == null || v.merges().isEmpty()) {
            throw new IllegalArgumentException("tokenizer.ggml.merges is missing or empty");
        }
        checkId("tokenizer.ggml.bos_token_id", v.bosId(), n);
        checkId("tokenizer.ggml.eos_token_id", v.eosId(), n);
        checkId("tokenizer.ggml.padding_token_id", v.padId(), n);
        this.preTokenizer = PreTokenizer.named(v.preTokenizer());
        this.vocabulary = new TokenizerVocabulary(v.model(), preTokenizer.name(), List.copyOf(tokenList),
                v.tokenTypes().clone(), List.copyOf(v.merges()), v.bosId(), v.eosId(), v.padId(), v.chatTemplate());

        tokens = tokenList.toArray(new String[0]);
        types = vocabulary.tokenTypes();
        tokenBytes = new byte[n][];
        Map<String, Integer> ids = new HashMap<>(n * 2);
        for (int id = 0; id < n; id++) {
            String t = tokens[id];
            if (t == null) {
                throw new IllegalArgumentException("tokenizer.ggml.tokens[" + id + "] is null");
            }
            if (isSpecial(types[id])) {
                specials.add(t, id);
                tokenBytes[id] = Utf8.encode(t);
            } else {
                ids.putIfAbsent(t, id);
                tokenBytes[id] = ByteLevel.decode(t);
            }
        }
        for (int b = 0; b < 256; b++) {
            byteToken[b] = ids.getOrDefault(String.valueOf(ByteLevel.charOf(b)), -1);
        }
        List<String> mergeList = vocabulary.merges();
        merges = new MergeTable(mergeList.size());
        for (int rank = 0; rank < mergeList.size(); rank++) {
            String m = mergeList.get(rank);
            int space = m == null ? -1 : m.indexOf(' ', 1);
            if (space < 0 || space == m.length() - 1) {
                throw new IllegalArgumentException("tokenizer.ggml.merges[" + rank + "] is '" + m
                        + "'; expected 'left right'");
            }
            String left = m.substring(0, space);
            String right = m.substring(space + 1);
            Integer l = ids.get(left);
            Integer r = ids.get(right);
            Integer merged = ids.get(left + right);
            if (l == null || r == null || merged == null) {
                String missing = l == null ? left : r == null ? right : left + right;
                throw new IllegalArgumentException("tokenizer.ggml.merges[" + rank + "] '" + m
                        + "' needs token '" + missing + "', which is not in the vocabulary");
            }
            merges.put(l, r, rank, merged);
        }
    }

    private static void checkId(String key, int id, int n) {
        if (id < -1 || id >= n) {
            throw new IllegalArgumentException(key + " is " + id + "; expected -1 or an id below " + n);
        }
    }

    private static boolean isSpecial(int type) {
        return type == TokenizerVocabulary.TYPE_CONTROL
                || type == TokenizerVocabulary.TYPE_USER_DEFINED
                || type == TokenizerVocabulary.TYPE_UNKNOWN;
    }

    /** A tokenizer over a GGUF-form vocabulary ({@code tokenizer.ggml.*}). */
    public static BpeTokenizer fromVocabulary(TokenizerVocabulary v) {
        return new BpeTokenizer(v);
    }

    /**
     * A tokenizer from a Hugging Face {@code tokenizer.json} (plain or gzip). A {@code tokenizer_config.json}
     * (or {@code .json.gz}) beside it, when present, supplies the BOS/EOS/pad tokens and the chat template.
     */
    public static BpeTokenizer fromTokenizerJson(Path file) {
        return new BpeTokenizer(TokenizerJson.read(file));
    }

    /** As {@link #fromTokenizerJson(Path)} from streams; {@code config} may be null. */
    static BpeTokenizer fromTokenizerJson(InputStream json, InputStream config, String source) {
        try {
            return new BpeTokenizer(TokenizerJson.read(json, config, source));
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * The pieces a pre-tokenizer ({@code tokenizer.ggml.pre}: deepseek-v3 or deepseek-llm) splits ordinary text into,
     * before any merge: what a BPE trainer counts pairs within, so that its merges fit how this tokenizer encodes.
     * Special tokens are not looked for here; cut them out first.
     */
    public static java.util.List<String> preTokenize(String preTokenizer, String text) {
        PreTokenizer pre = PreTokenizer.named(preTokenizer);
        IntBuffer pieces = new IntBuffer(64);
        pre.split(text, 0, text.length(), pieces, new IntBuffer(64));
        java.util.List<String> out = new java.util.ArrayList<>(pieces.size() / 2);
        for (int p = 0; p < pieces.size(); p += 2) {
            out.add(text.substring(pieces.get(p), pieces.get(p + 1)));
        }
        return out;
    }

    @Override
    public int[] encode(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text is null");
        }
        IntBuffer out = new IntBuffer(text.length() / 3 + 8);
        IntBuffer pieces = new IntBuffer(64);
        IntBuffer scratch = new IntBuffer(64);
        specials.split(text, new SpecialTokenMatcher.Sink() {
            @Override
            public void text(int start, int end) {
                encodeOrdinary(text, start, end, out, pieces, scratch);
            }

            @Override
            public void special(int id) {
                out.add(id);
            }
        });
        return out.toArray();
    }

    private void encodeOrdinary(String text, int start, int end, IntBuffer out, IntBuffer pieces, IntBuffer scratch) {
        preTokenizer.split(text, start, end, pieces, scratch);
        for (int p = 0; p < pieces.size(); p += 2) {
            int s = pieces.get(p);
            int e = pieces.get(p + 1);
            if (e - s > CACHE_MAX_PIECE) {
                out.addAll(bpe(Utf8.encode(text, s, e)));
                continue;
            }
            String piece = text.substring(s, e);
            int[] ids = pieceCache.get(piece);
            if (ids == null) {
                ids = bpe(Utf8.encode(text, s, e));
                if (pieceCache.size() >= CACHE_LIMIT) {
                    pieceCache.clear();
                }
                pieceCache.put(piece, ids);
            }
            out.addAll(ids);
        }
    }

    /** Merges the bytes of one piece; a binary heap of (rank, position) keys over a linked list of symbols. */
    private int[] bpe(byte[] bytes) {
        int n = bytes.length;
        int[] sym = new int[n];
        for (int i = 0; i < n; i++) {
            int id = byteToken[bytes[i] & 0xFF];
            if (id < 0) {
                throw new IllegalStateException(String.format(
                        "the vocabulary has no token for byte 0x%02X ('%c')", bytes[i] & 0xFF, ByteLevel.charOf(bytes[i])));
            }
            sym[i] = id;
        }
        if (n == 1) {
            return sym;
        }
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1; // n means none
            prev[i] = i - 1;
        }
        long[] heap = new long[n * 2];
        int heapSize = 0;
        for (int i = 0; i + 1 < n; i++) {
            long m = merges.get(sym[i], sym[i + 1]);
            if (m != MergeTable.ABSENT) {
                heapSize = push(heap, heapSize, ((long) MergeTable.rank(m) << 32) | i);
            }
        }
        int live = n;
        while (heapSize > 0) {
            long top = heap[0];
            heapSize = pop(heap, heapSize);
            int pos = (int) top;
            int rank = (int) (top >>> 32);
            if (sym[pos] < 0) {
                continue;
            }
            int right = next[pos];
            if (right >= n) {
                continue;
            }
            long m = merges.get(sym[pos], sym[right]);
            if (m == MergeTable.ABSENT || MergeTable.rank(m) != rank) {
                continue; // stale: one side merged with something else since this entry was queued
            }
            sym[pos] = MergeTable.merged(m);
            sym[right] = -1;
            live--;
            int after = next[right];
            next[pos] = after;
            if (after < n) {
                prev[after] = pos;
            }
            if (heapSize + 2 > heap.length) {
                heap = java.util.Arrays.copyOf(heap, heap.length * 2);
            }
            int before = prev[pos];
            if (before >= 0) {
                long mb = merges.get(sym[before], sym[pos]);
                if (mb != MergeTable.ABSENT) {
                    heapSize = push(heap, heapSize, ((long) MergeTable.rank(mb) << 32) | before);
                }
            }
            if (after < n) {
                long ma = merges.get(sym[pos], sym[after]);
                if (ma != MergeTable.ABSENT) {
                    heapSize = push(heap, heapSize, ((long) MergeTable.rank(ma) << 32) | pos);
                }
            }
        }
        int[] result = new int[live];
        int k = 0;
        for (int i = 0; i < n; i = next[i]) {
            result[k++] = sym[i];
        }
        return result;
    }

    private static int push(long[] heap, int size, long key) {
        int i = size;
        heap[i] = key;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= key) {
                break;
            }
            heap[i] = heap[parent];
            heap[parent] = key;
            i = parent;
        }
        return size + 1;
    }

    private static int pop(long[] heap, int size) {
        int last = size - 1;
        long key = heap[last];
        heap[0] = key;
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= last) {
                break;
            }
            if (child + 1 < last && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= key) {
                break;
            }
            heap[i] = heap[child];
            heap[child] = key;
            i = child;
        }
        return last;
    }

    @Override
    public String decode(int[] ids) {
        if (ids == null) {
            throw new IllegalArgumentException("ids is null");
        }
        int total = 0;
        for (int id : ids) {
            checkTokenId(id);
            total += tokenBytes[id].length;
        }
        byte[] all = new byte[total];
        int at = 0;
        for (int id : ids) {
            byte[] b = tokenBytes[id];
            System.arraycopy(b, 0, all, at, b.length);
            at += b.length;
        }
        return Utf8.decodeLossy(all, total);
    }

    /** The raw bytes of a token (a copy). */
    @Override
    public byte[] tokenBytes(int id) {
        checkTokenId(id);
        return tokenBytes[id].clone();
    }

    private void checkTokenId(int id) {
        if (id < 0 || id >= tokenBytes.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.."
                    + (tokenBytes.length - 1) + ")");
        }
    }

    /** The token's string as the vocabulary stores it (byte-to-unicode form for ordinary tokens). */
    public String tokenText(int id) {
        checkTokenId(id);
        return tokens[id];
    }

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    @Override
    public int bosId() {
        return vocabulary.bosId();
    }

    @Override
    public int eosId() {
        return vocabulary.eosId();
    }

    @Override
    public OptionalInt specialTokenId(String text) {
        Integer id = text == null ? null : specials.idOf(text);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The vocabulary in GGUF form; its arrays are copies, so a caller may not change this tokenizer through it. */
    @Override
    public TokenizerVocabulary vocabulary() {
        TokenizerVocabulary v = vocabulary;
        return new TokenizerVocabulary(v.model(), v.preTokenizer(), v.tokens(), v.tokenTypes().clone(), v.merges(),
                v.bosId(), v.eosId(), v.padId(), v.chatTemplate());
    }

    /** The GGUF name of the pre-tokenizer ({@code deepseek-v3} or {@code deepseek-llm}). */
    public String preTokenizerName() {
        return preTokenizer.name();
    }

    /** Number of merges, as {@code tokenizer.ggml.merges} counts them. */
    public int mergeCount() {
        return vocabulary.merges().size();
    }
}
