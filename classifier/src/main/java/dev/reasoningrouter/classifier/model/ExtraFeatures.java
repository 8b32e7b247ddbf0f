package dev.reasoningrouter.classifier.model;

import java.util.List;

/**
 * Features appended to the embedding: any of {@link StructuralFeatures#NAMES}, and the anchor
 * similarities {@value #ANCHOR_REASONING} / {@value #ANCHOR_ROUTINE}: the highest cosine similarity of
 * the query to a short list of descriptions of each class.
 *
 * <p>Why anchors: the training sources cover a few styles (word problems, "write a function",
 * LogicBench contexts), so a head on the raw embedding learns directions specific to those styles and
 * misses e.g. LaTeX math or a code-fixing request. The anchors restate the label definition (math,
 * proofs, programs, debugging, logic puzzles vs facts, chat, writing, translation, search); a single
 * learned weight on "how close to the nearest reasoning description" carries over to styles the
 * training data never showed. The anchor texts travel in the artifact.
 */
public final class ExtraFeatures {
    public static final String ANCHOR_REASONING = "anchor_reasoning_max";
    public static final String ANCHOR_ROUTINE = "anchor_routine_max";

    /** The anchor descriptions used when training with anchor features. */
    public static final ComplexityModel.Anchors DEFAULT_ANCHORS = new ComplexityModel.Anchors(
            List.of(
                    "Solve this math word problem step by step and give the final number.",
                    "Compute the integral, derivative, limit or sum of this mathematical expression.",
                    "Find all real solutions of the equation or inequality.",
                    "Prove the following theorem or show that the statement holds for every integer n.",
                    "How many ways are there? A combinatorics or probability question.",
                    "Write a program or function that implements this algorithm.",
                    "Fix the bug in this code and explain why it fails.",
                    "What is the time complexity of this algorithm, and how can it be made faster?",
                    "Solve this logic puzzle: who is telling the truth, and what follows from the premises?",
                    "Given these premises and rules, can we conclude that the statement is true?",
                    "Which answer choice is correct? Work it out with algebra."),
            List.of(
                    "What is the capital of this country? A simple factual question.",
                    "Who is this famous person and what are they known for?",
                    "Write a short poem or a story.",
                    "Write an essay, an email or a letter.",
                    "Translate this sentence into another language.",
                    "Summarize this text in a few sentences.",
                    "A web search query: restaurants near me, weather tomorrow, cheap flights.",
                    "Hello, how are you? Thanks, that was helpful. Small talk.",
                    "Give me a list of ideas, tips or recommendations.",
                    "Classify these items into categories or extract the names from the passage.",
                    "Set an alarm, play music, or check my account balance."));

    private final List<String> names;
    private final float[][] reasoning;
    private final float[][] routine;

    /**
     * @param anchors the anchor texts; only read (and embedded) when an anchor feature is named
     */
    public ExtraFeatures(List<String> names, ComplexityModel.Anchors anchors, TextEmbedder embedder) {
        this.names = List.copyOf(names);
        boolean anchorFeatures = false;
        for (String n : names) {
            if (n.equals(ANCHOR_REASONING) || n.equals(ANCHOR_ROUTINE)) {
                anchorFeatures = true;
            } else {
                StructuralFeatures.indexOf(n); // fails with the known names
            }
        }
        if (anchorFeatures && (anchors == null || anchors.reasoning().isEmpty() || anchors.routine().isEmpty())) {
            throw new IllegalArgumentException("anchor features need anchor texts for both classes");
        }
        this.reasoning = anchorFeatures ? embedAll(anchors.reasoning(), embedder) : new float[0][];
        this.routine = anchorFeatures ? embedAll(anchors.routine(), embedder) : new float[0][];
    }

    public static boolean known(String name) {
        return name.equals(ANCHOR_REASONING) || name.equals(ANCHOR_ROUTINE) || StructuralFeatures.NAMES.contains(name);
    }

    public int size() {
        return names.size();
    }

    /** Raw (unstandardised) values, in name order. */
    public double[] raw(String text, float[] embedding) {
        double[] out = new double[names.size()];
        double[] structural = null;
        for (int i = 0; i < out.length; i++) {
            String n = names.get(i);
            if (n.equals(ANCHOR_REASONING)) {
                out[i] = maxCosine(embedding, reasoning);
            } else if (n.equals(ANCHOR_ROUTINE)) {
                out[i] = maxCosine(embedding, routine);
            } else {
                if (structural == null) {
                    structural = StructuralFeatures.of(text);
                }
                out[i] = structural[StructuralFeatures.indexOf(n)];
            }
        }
        return out;
    }

    private static float[][] embedAll(List<String> texts, TextEmbedder embedder) {
        return texts.stream().map(t -> embedder.embed(t).vector()).toArray(float[][]::new);
    }

    /** Embeddings are L2-normalised, so the dot product is the cosine. */
    private static double maxCosine(float[] v, float[][] anchors) {
        double best = -1;
        for (float[] a : anchors) {
            double s = 0;
            for (int i = 0; i < v.length; i++) {
                s += v[i] * a[i];
            }
            best = Math.max(best, s);
        }
        return best;
    }
}
