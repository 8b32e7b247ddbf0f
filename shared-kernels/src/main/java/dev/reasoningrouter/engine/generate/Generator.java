package dev.reasoningrouter.engine.generate;

import dev.reasoningrouter.engine.model.DeviceTokenChoice;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.model.InferenceModel;
import dev.reasoningrouter.engine.model.LatentKvCache;
import dev.reasoningrouter.engine.model.TokenChoices;
import dev.reasoningrouter.engine.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Generates token sequences with a model. Several sequences run together: each is prefilled on its own, then all
 * unfinished ones share one batched decode step per token (every weight row is read once for the whole batch),
 * each with its own cache, sampler and expert budget. Not thread-safe: one caller at a time (see
 * {@link BatchingGenerator} for a service-facing queue).
 *
 * <p>When the model is a {@link DeviceTokenChoice} (the CUDA model), the next token of each sequence that allows it
 * ({@link #choosesOnDevice}) is chosen on the device, and a step brings back only its id and log-probability; the
 * other sequences of the same step get their logits and sample on the host. Greedy gives the same tokens either
 * way; sampling draws the same one uniform per token from the sequence's seeded source, so a seed reproduces a run
 * on the same backend and path (the device walks the nucleus in id order, the host by probability, so the same seed
 * need not pick the same token on both).
 */
public final class Generator {
    /** Prompt tokens per prefill step (bounds the step's working memory). */
    public static final int PREFILL_CHUNK = 64;

    private final InferenceModel model;
    private final Tokenizer tokenizer;
    /** The model as a device chooser, or null: it has none, or this generator was told not to use it. */
    private final DeviceTokenChoice chooser;
    private final TokenChoices choices = new TokenChoices(PREFILL_CHUNK);
    private LatentKvCache[] rowCaches = new LatentKvCache[PREFILL_CHUNK];
    private int[] rowTokens = new int[PREFILL_CHUNK];
    private int[] rowExperts = new int[PREFILL_CHUNK];
    private boolean[] rowWant = new boolean[PREFILL_CHUNK];

    /**
     * {@code tokenizer} may be null: then text stop strings are refused and results carry no text. Next tokens are
     * chosen on the device where the model can and the request allows ({@link #choosesOnDevice}).
     */
    public Generator(InferenceModel model, Tokenizer tokenizer) {
        this(model, tokenizer, true);
    }

    /** @param deviceChoice false: always download logits and sample on the host, even if the model could choose */
    public Generator(InferenceModel model, Tokenizer tokenizer, boolean deviceChoice) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.chooser = deviceChoice && model instanceof DeviceTokenChoice d ? d : null;
    }

    /**
     * Whether a request with these settings has its next tokens chosen on the device, so that each step returns only
     * the token id and its log-probability: the model must offer it ({@link DeviceTokenChoice}, not turned off here)
     * and the request must need nothing the device does not give. Stop sequences, stop strings, EOS handling, the
     * token limit and the seed work from the ids; greedy and temperature + top-p run in the kernels with the host
     * sampler's conventions; there are no logit biases, penalties or alternative (top-k) log-probabilities in
     * {@link SamplingParams} today — a feature that needs the full distribution must return false here. The one
     * setting the kernels cannot take is a temperature so small that its float reciprocal overflows (below about
     * 2.9e-39): that request samples from host logits.
     */
    public boolean choosesOnDevice(SamplingParams sampling) {
        return chooser != null && TokenChoices.canChoose(sampling.temperature());
    }

    public InferenceModel model() {
        return model;
    }

    public GenerationResult generate(GenerationRequest request, TokenListener listener) {
        return generate(request, listener, null);
    }

    public GenerationResult generate(GenerationRequest request, TokenListener listener, CancellationToken cancel) {
        return generateAll(List.of(request), Arrays.asList(listener), Arrays.asList(cancel)).getFirst();
    }

    /** Runs all requests to completion together; results in request order. Listeners/cancels may be null or hold nulls. */
    public List<GenerationResult> generateAll(List<GenerationRequest> requests, List<TokenListener> listeners,
                                              List<CancellationToken> cancels) {
        List<SequenceRun> runs = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            runs.add(start(requests.get(i), listeners == null ? null : listeners.get(i), cancels == null ? null : cancels.get(i)));
        }
        List<SequenceRun> active = new ArrayList<>();
        for (SequenceRun r : runs) {
            if (!r.finished()) {
                active.add(r);
            }
        }
        while (!active.isEmpty()) {
            decodeStep(active);
            active.removeIf(SequenceRun::finished);
        }
        List<GenerationResult> out = new ArrayList<>();
        for (SequenceRun r : runs) {
            out.add(r.result());
        }
        return out;
    }

    /** Checks the request, prefills its prompt and samples its first token. */
    SequenceRun start(GenerationRequest request, TokenListener listener, CancellationToken cancel) {
        ExpertBudget.of(request.budget().experts(), model.config()); // refuses budgets above the trained top-k
        int[] prompt = request.promptTokens();
        for (int t : prompt) {
            if (t < 0 || t >= model.config().vocabSize()) {
                throw new IllegalArgumentException("prompt token id " + t + " out of range 0.." + (model.config().vocabSize() - 1));
            }
        }
        for (int t : request.probeTokens()) {
            if (t < 0 || t >= model.config().vocabSize()) {
                throw new IllegalArgumentException("probe token id " + t + " out of range 0.." + (model.config().vocabSize() - 1));
            }
        }
        LatentKvCache cache = model.newCache(prompt.length + request.sampling().maxTokens());
        try {
            // probes need the first position's whole distribution: that row samples from host logits
            SequenceRun run = new SequenceRun(request, listener, cancel, cache, tokenizer, model.config().eosTokenId(),
                    choosesOnDevice(request.sampling()) && request.probeTokens().length == 0);
            if (run.cancel.isCancelled()) {
                run.finish(FinishReason.CANCELLED);
                return run;
            }
            prefill(run, cache, prompt, request.budget().experts());
            return run;
        } catch (RuntimeException e) {
            cache.close(); // a request that fails here never becomes a sequence: its (device) cache goes back now
            throw e;
        }
    }

    private void prefill(SequenceRun run, LatentKvCache cache, int[] prompt, int experts) {
        long t0 = System.nanoTime();
        float[] last = null;
        for (int off = 0; off < prompt.length; off += PREFILL_CHUNK) {
            int m = Math.min(PREFILL_CHUNK, prompt.length - off);
            boolean end = off + m == prompt.length;
            ensureRows(m);
            for (int i = 0; i < m; i++) {
                rowCaches[i] = cache;
                rowTokens[i] = prompt[off + i];
                rowExperts[i] = experts;
                rowWant[i] = end && i == m - 1 && !run.choosesOnDevice;
                choices.none(i);
            }
            if (end && run.choosesOnDevice) { // the first generated token is chosen on the device too
                run.sampler.describe(choices, m - 1);
                chooser.forward(rowCaches, rowTokens, m, rowExperts, rowWant, choices);
            } else {
                float[][] logits = model.forward(rowCaches, rowTokens, m, rowExperts, rowWant);
                if (end) {
                    last = logits[m - 1];
                }
            }
            if (end) {
                run.prefillNanos = System.nanoTime() - t0;
                if (run.choosesOnDevice) {
                    run.accept(chosen(m - 1), choices.logprob(m - 1));
                } else {
                    run.accept(last);
                }
            }
        }
    }

    /** One shared decode step over the unfinished sequences (cancelled ones finish instead). */
    void decodeStep(List<SequenceRun> active) {
        int m = 0;
        boolean onDevice = false;
        ensureRows(active.size());
        for (SequenceRun r : active) {
            if (r.finished()) {
                continue;
            }
            if (r.cancel.isCancelled()) {
                r.finish(FinishReason.CANCELLED);
                continue;
            }
            rowCaches[m] = r.cache;
            rowTokens[m] = r.nextToken;
            rowExperts[m] = r.request.budget().experts();
            rowWant[m] = !r.choosesOnDevice;
            if (r.choosesOnDevice) {
                r.sampler.describe(choices, m);
                onDevice = true;
            } else {
                choices.none(m);
            }
            m++;
        }
        if (m == 0) {
            return;
        }
        long t0 = System.nanoTime();
        float[][] logits = onDevice ? chooser.forward(rowCaches, rowTokens, m, rowExperts, rowWant, choices)
                : model.forward(rowCaches, rowTokens, m, rowExperts, rowWant);
        long dt = System.nanoTime() - t0;
        int i = 0;
        for (SequenceRun r : active) {
            if (r.finished() || rowCaches[i] != r.cache) {
                continue;
            }
            r.decodeNanos += dt;
            if (r.choosesOnDevice) {
                r.accept(chosen(i), choices.logprob(i));
            } else {
                r.accept(logits[i]);
            }
            i++;
            if (i == m) {
                break;
            }
        }
    }

    private int chosen(int row) {
        int t = choices.token(row);
        if (t < 0 || t >= model.config().vocabSize()) {
            throw new IllegalStateException("the model chose token " + t + " for row " + row + " (vocabulary " + model.config().vocabSize() + ")");
        }
        return t;
    }

    private void ensureRows(int n) {
        if (rowTokens.length < n) {
            int c = Math.max(n, rowTokens.length * 2);
            rowCaches = new LatentKvCache[c];
            rowTokens = new int[c];
            rowExperts = new int[c];
            rowWant = new boolean[c];
        }
        choices.ensureRows(n);
    }
}
