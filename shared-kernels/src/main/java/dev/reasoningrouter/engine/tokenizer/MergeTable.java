package dev.reasoningrouter.engine.tokenizer;

/**
 * Pair of token ids to (rank, merged id), open addressing over primitive arrays: BPE looks a pair up
 * for every adjacent symbol pair, so boxing a {@code Map<Long, ...>} here would dominate encoding time.
 */
final class MergeTable {

    static final long ABSENT = -1L;

    private final long[] keys;
    private final long[] values;
    private final int mask;
    private int size;

    MergeTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new long[capacity];
        java.util.Arrays.fill(keys, -1L);
        mask = capacity - 1;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29));
    }

    /** Adds a merge unless the pair already has one (the first, higher-priority merge wins). */
    boolean put(int left, int right, int rank, int merged) {
        long k = key(left, right);
        int i = hash(k) & mask;
        while (keys[i] != -1L) {
            if (keys[i] == k) {
                return false;
            }
            i = (i + 1) & mask;
        }
        keys[i] = k;
        values[i] = ((long) rank << 32) | (merged & 0xFFFFFFFFL);
        size++;
        return true;
    }

    /** {@code rank << 32 | merged}, or {@link #ABSENT}. */
    long get(int left, int right) {
        long k = key(left, right);
        int i = hash(k) & mask;
        while (true) {
            long stored = keys[i];
            if (stored == k) {
                return values[i];
            }
            if (stored == -1L) {
                return ABSENT;
            }
            i = (i + 1) & mask;
        }
    }

    int size() {
        return size;
    }

    static int rank(long entry) {
        return (int) (entry >>> 32);
    }

    static int merged(long entry) {
        return (int) entry;
    }
}
