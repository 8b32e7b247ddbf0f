package dev.reasoningrouter.engine.model;

/**
 * An {@link InferenceModel} that can also choose each row's next token where its logits are (on the GPU), so that a
 * decode step returns only token ids and their log-probabilities to the host instead of a vocabulary of logits per
 * row. The generator uses it for requests that need nothing more than that (see
 * {@code Generator.choosesOnDevice}); rows that need the full distribution still ask for logits, in the same step.
 */
public interface DeviceTokenChoice extends InferenceModel {

    /**
     * {@link #forward(LatentKvCache[], int[], int, int[], boolean[]) forward} over rows {@code [0, n)}, and for every
     * row with {@code choices.chooses(i)} its next token chosen from that row's logits as {@code choices} asks
     * (greedy, or temperature + top-p with the row's uniform), written back into {@code choices} with its
     * log-probability. Rows with {@code wantLogits[i]} get their logits returned as {@code forward} does (other
     * entries null); a row may ask for both. {@code choices} must hold at least {@code n} rows.
     */
    float[][] forward(LatentKvCache[] caches, int[] tokens, int n, int[] experts, boolean[] wantLogits, TokenChoices choices);
}
