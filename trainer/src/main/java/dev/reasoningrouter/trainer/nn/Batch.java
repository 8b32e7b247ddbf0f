package dev.reasoningrouter.trainer.nn;

/**
 * The rows one worker runs: sequences laid end to end ({@code n} tokens), where each starts and how long it is, each
 * token's position in its sequence, and each token's routed-expert budget.
 */
final class Batch {
    int n;
    int sequences;
    int[] tokens = new int[0];
    int[] positions = new int[0];
    int[] experts = new int[0];
    int[] seqStart = new int[0];
    int[] seqLen = new int[0];

    void reset(int tokenCapacity, int sequenceCapacity) {
        tokens = Kernels.grow(tokens, tokenCapacity);
        positions = Kernels.grow(positions, tokenCapacity);
        experts = Kernels.grow(experts, tokenCapacity);
        seqStart = Kernels.grow(seqStart, sequenceCapacity);
        seqLen = Kernels.grow(seqLen, sequenceCapacity);
        n = 0;
        sequences = 0;
    }

    void add(int[] ids, int length, int k) {
        seqStart[sequences] = n;
        seqLen[sequences] = length;
        sequences++;
        for (int i = 0; i < length; i++) {
            tokens[n] = ids[i];
            positions[n] = i;
            experts[n] = k;
            n++;
        }
    }

    int maxLength() {
        int m = 0;
        for (int s = 0; s < sequences; s++) {
            m = Math.max(m, seqLen[s]);
        }
        return m;
    }
}
