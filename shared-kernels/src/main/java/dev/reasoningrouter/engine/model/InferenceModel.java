package dev.reasoningrouter.engine.model;

/**
 * A loaded model that runs forward steps. One step takes a batch of rows, each a (sequence cache, token) pair with
 * its own expert budget: the rows of a prompt (prefill) or one row per sequence in flight (batched decode).
 * Implementations are driven by one thread at a time.
 */
public interface InferenceModel {

    ModelConfig config();

    /** A new, empty cache for one sequence, sized for {@code capacity} tokens (it grows if needed). */
    LatentKvCache newCache(int capacity);

    /**
     * Runs rows {@code [0, n)}: row i appends {@code tokens[i]} to {@code caches[i]} and routes each token to
     * {@code experts[i]} experts. Rows of one cache must be consecutive, in order. Returns the logits (vocab size)
     * of each row with {@code wantLogits[i]} (other entries null); the arrays are reused by the next call.
     */
    float[][] forward(LatentKvCache[] caches, int[] tokens, int n, int[] experts, boolean[] wantLogits);

    /** Which backend computes, e.g. "cpu (16 threads, 512-bit vectors)". */
    String backendName();
}
