package dev.reasoningrouter.engine.serving;

import dev.reasoningrouter.engine.generate.BatchLimit;
import dev.reasoningrouter.engine.generate.BatchingGenerator;
import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.engine.generate.GenerationRequest;
import dev.reasoningrouter.engine.generate.GenerationResult;
import dev.reasoningrouter.engine.generate.SamplingParams;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.model.LoadedModel;
import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.model.ModelLoader;
import dev.reasoningrouter.engine.model.ModelStats;
import dev.reasoningrouter.engine.model.ModelTokenizer;
import dev.reasoningrouter.engine.tokenizer.ChatTemplate;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import dev.reasoningrouter.engine.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One opened model ready to serve chat: the weights, the tokenizer its file speaks, its chat template, and a
 * {@link BatchingGenerator} so that concurrent requests share decode steps (each with its own expert budget).
 * Plain Java, no framework: the path services wrap it.
 */
public final class ModelHost implements AutoCloseable {

    /** Bytes per cached element: the latent caches (CPU and CUDA) hold float32 latents and rotary keys. */
    static final int KV_BYTES_PER_ELEMENT = Float.BYTES;

    /**
     * Where the model comes from.
     *
     * @param modelPath a GGUF file or checkpoint directory; null means the default random-weight test model
     * @param cacheDir  where the default test model is written once and loaded from
     * @param threads   CPU worker threads (0 = all cores)
     * @param maxBatch  the most sequences decoded together
     * @param backend   where the model runs (resolved from {@code rr.engine.backend})
     */
    public record Options(Path modelPath, Path cacheDir, int threads, int maxBatch, BackendChoice backend) {
        /** On the CPU. */
        public Options(Path modelPath, Path cacheDir, int threads, int maxBatch) {
            this(modelPath, cacheDir, threads, maxBatch, BackendChoice.cpu());
        }

        public Options {
            Objects.requireNonNull(backend, "backend");
            if (modelPath == null) {
                Objects.requireNonNull(cacheDir, "cacheDir is needed when no model path is given");
            }
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be >= 0 (0 = all cores), got " + threads);
            }
            if (maxBatch < 1) {
                throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
            }
        }
    }

    private final LoadedModel loaded;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final ModelStats stats;
    private final BatchingGenerator generator;
    private final String tokenizerSource;

    private ModelHost(LoadedModel loaded, Tokenizer tokenizer, String tokenizerSource, BatchLimit limit,
                      BatchingGenerator.StepListener steps) {
        this.loaded = loaded;
        this.tokenizer = tokenizer;
        this.tokenizerSource = tokenizerSource;
        this.template = ChatTemplate.forVocabulary(tokenizer.vocabulary());
        this.stats = new ModelStats(loaded.config(), loaded.weights());
        this.generator = new BatchingGenerator(loaded.model(), tokenizer, limit, steps);
    }

    /** Opens the model the options name, or (no path) writes the default test model into the cache once and opens it. */
    public static ModelHost open(Options o) {
        return open(o, BatchLimit.fixed(o.maxBatch()), BatchingGenerator.StepListener.NONE);
    }

    /**
     * As {@link #open(Options)}, with the policy that sizes each decode batch (its ceiling should be
     * {@link Options#maxBatch()}) and a listener told about every step.
     */
    public static ModelHost open(Options o, BatchLimit limit, BatchingGenerator.StepListener steps) {
        Path path = o.modelPath() != null ? o.modelPath() : DefaultTestModel.ensure(o.cacheDir());
        return open(path, o.threads(), limit, steps, o.backend());
    }

    /** Opens a GGUF file or checkpoint directory on the CPU. */
    public static ModelHost open(Path path, int threads, int maxBatch) {
        return open(path, threads, maxBatch, BackendChoice.cpu());
    }

    /** Opens a GGUF file or checkpoint directory on the backend chosen. */
    public static ModelHost open(Path path, int threads, int maxBatch, BackendChoice backend) {
        return open(path, threads, BatchLimit.fixed(maxBatch), BatchingGenerator.StepListener.NONE, backend);
    }

    private static ModelHost open(Path path, int threads, BatchLimit limit, BatchingGenerator.StepListener steps,
                                  BackendChoice backend) {
        LoadedModel lm = ModelLoader.load(path, threads, backend.decision());
        try {
            ModelTokenizer resolved = ModelTokenizer.resolve(lm, path);
            return new ModelHost(lm, resolved.tokenizer(), resolved.source(), limit, steps);
        } catch (RuntimeException e) {
            lm.close();
            throw e;
        }
    }

    /**
     * Renders the conversation with the model's chat template, generates the assistant's reply and returns it.
     * {@code listener} (may be null) receives text deltas on the generator's thread as they become final.
     */
    public ChatOutcome chat(List<ChatTurn> turns, SamplingParams sampling, ExpertBudget budget, TextListener listener,
                            CancellationToken cancel) {
        return chat(ChatCall.of(turns, sampling, budget), listener, cancel);
    }

    /** Generates one reply for {@code call} and waits for it; see {@link #chatAsync(ChatCall, TextListener, CancellationToken)}. */
    public ChatOutcome chat(ChatCall call, TextListener listener, CancellationToken cancel) {
        try {
            return chatAsync(call, listener, cancel).get();
        } catch (InterruptedException e) {
            if (cancel != null) {
                cancel.cancel();
            }
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating", e);
        } catch (ExecutionException | CompletionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(c.getMessage(), c);
        }
    }

    /** As {@link #chat} but returns at once. */
    public CompletableFuture<ChatOutcome> chatAsync(List<ChatTurn> turns, SamplingParams sampling, ExpertBudget budget,
                                                    TextListener listener, CancellationToken cancel) {
        return chatAsync(ChatCall.of(turns, sampling, budget), listener, cancel);
    }

    /**
     * Renders the call's conversation with the model's chat template (with the generation prompt, then the call's
     * reply prefix), queues it on the batching generator and returns at once. The prompt is checked (template, context
     * length, budget) before anything is queued, so bad input throws here. The listener receives the reply's text
     * (after the prefix) on the generator's thread: keep it quick.
     */
    public CompletableFuture<ChatOutcome> chatAsync(ChatCall call, TextListener listener, CancellationToken cancel) {
        ExpertBudget checked = ExpertBudget.of(call.budget().experts(), loaded.config());
        int[] ids = promptTokens(call);
        int room = room(ids.length);
        SamplingParams sampling = call.sampling();
        SamplingParams s = sampling.maxTokens() > room
                ? new SamplingParams(sampling.temperature(), sampling.topP(), sampling.seed(), room,
                        sampling.stopTokenSequences(), sampling.stopStrings(), sampling.ignoreEos())
                : sampling;
        int[] probes = new int[call.probeWords().size()];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = firstToken(call.probeWords().get(i));
        }
        long start = System.nanoTime();
        AtomicLong firstToken = new AtomicLong(-1);
        GenerationRequest request = new GenerationRequest(ids, s, checked, probes);
        return generator.submit(request, t -> {
            firstToken.compareAndSet(-1, System.nanoTime());
            if (listener != null && t.text() != null && !t.text().isEmpty()) {
                listener.onText(t.text());
            }
        }, cancel).thenApply(r -> {
            long end = System.nanoTime();
            long first = firstToken.get();
            long ttft = first < 0 ? end - start : first - start;
            return new ChatOutcome(r.text() == null ? "" : r.text(), r.promptTokens(), r.tokens().length,
                    r.finishReason(), r.expertsPerToken(), ttft, end - start, r.logprobs(), r.probeLogprobs());
        });
    }

    /**
     * Checks that a call can run: its budget, and its prompt fits the context with room for one reply token.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public void check(ChatCall call) {
        ExpertBudget.of(call.budget().experts(), loaded.config());
        room(promptTokens(call).length);
    }

    private int room(int promptLength) {
        int room = loaded.config().maxContext() - promptLength;
        if (room < 1) {
            throw new IllegalArgumentException("the prompt is " + promptLength + " tokens; this model's context is "
                    + loaded.config().maxContext() + " tokens");
        }
        return room;
    }

    /** The prompt token ids a call renders to (template, generation prompt, reply prefix). */
    public int[] promptTokens(ChatCall call) {
        return tokenizer.encode(template.render(call.turns(), true) + call.replyPrefix());
    }

    /** The first token id of {@code word} as this model's tokenizer encodes it (a critic's accept or reject word). */
    public int firstToken(String word) {
        int[] ids = tokenizer.encode(word);
        if (ids.length == 0) {
            throw new IllegalArgumentException("'" + word + "' encodes to no tokens");
        }
        return ids[0];
    }

    /** Requests waiting to join the decode batch. */
    public int waitingSequences() {
        return generator.waiting();
    }

    /** Sequences in the running decode batch. */
    public int activeSequences() {
        return generator.active();
    }

    /** What runs the model, e.g. "cuda (NVIDIA H200, compute 9.0)" or "cpu (16 threads, 512-bit vectors)". */
    public String backendName() {
        return loaded.model().backendName();
    }

    /** "cpu" or "cuda": the backend actually used (auto may have fallen back to the CPU at load). */
    public String backend() {
        return loaded.backend().picked().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Why this backend runs the model. */
    public String backendReason() {
        return "rr.engine." + loaded.backend().reason();
    }

    /** The model's own name (GGUF general.name or the source path). */
    public String modelName() {
        String d = loaded.description();
        return d == null || d.isBlank() ? loaded.source() : d;
    }

    /** True for a random-weight test model: every output made with it must say so. */
    public boolean isSynthetic() {
        return loaded.isSynthetic();
    }

    public ModelConfig config() {
        return loaded.config();
    }

    public String source() {
        return loaded.source();
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public String tokenizerSource() {
        return tokenizerSource;
    }

    public ChatTemplate chatTemplate() {
        return template;
    }

    /** Routed experts per token the model was trained with (the reasoning path's budget). */
    public int trainedTopK() {
        return Math.max(1, loaded.config().numExpertsPerTok());
    }

    /** Weights that one token reads under {@code budget} (shared experts and attention included). */
    public long activeParametersPerToken(ExpertBudget budget) {
        return stats.activeParameters(budget.experts());
    }

    public long totalParameters() {
        return stats.totalParameters();
    }

    /** KV-cache bytes one token of context costs (MLA latent + rotary key per layer, float32). */
    public long kvCacheBytesPerToken() {
        return stats.mlaCacheElementsPerToken() * KV_BYTES_PER_ELEMENT;
    }

    @Override
    public void close() {
        try {
            generator.close();
        } finally {
            loaded.close();
        }
    }
}
