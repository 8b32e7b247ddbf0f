package dev.reasoningrouter.classifier.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 (sentence-transformers) run in-process by ONNX Runtime through langchain4j; the
 * network is never touched, the weights come from the Maven artifact.
 *
 * <p>Long inputs: the model was trained on at most 256 word pieces. A longer text is embedded as two
 * windows, its head and its tail (each up to {@code windowTokens - 2} word pieces), and the two vectors
 * are averaged: the instruction usually sits at the start and the actual question at the end, and
 * two fixed windows keep the cost bounded however long the text is. The middle is dropped when the
 * text is longer than both windows together, and the result says so.
 */
public final class MiniLmEmbedder implements TextEmbedder {

    /** The two published variants; the quantised one is int8 and about 2-3x faster on CPU. */
    public enum Variant {
        FULL("all-minilm-l6-v2"),
        QUANTIZED("all-minilm-l6-v2-q");

        final String id;
        final String modelResource;
        final String tokenizerResource;

        Variant(String id) {
            this.id = id;
            this.modelResource = id + ".onnx";
            this.tokenizerResource = id + "-tokenizer.json";
        }

        public String id() {
            return id;
        }

        public static Variant byId(String id) {
            return Arrays.stream(values()).filter(v -> v.id.equals(id)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("unknown embedding model '" + id + "', expected one of "
                            + Arrays.stream(values()).map(Variant::id).toList()));
        }
    }

    public static final int DEFAULT_WINDOW_TOKENS = 256;
    private static final int DIMENSION = 384;

    private final Variant variant;
    private final EmbeddingModel model;
    private final HuggingFaceTokenizer tokenizer;
    private final int contentTokens;

    /** One encoder window of 256 word pieces, ONNX Runtime's own thread count. */
    public MiniLmEmbedder(Variant variant, int windowTokens) {
        this(variant, windowTokens, 0);
    }

    /**
     * @param threads ONNX Runtime intra-op threads; 0 for its default (one per core). On a small shared
     *                machine one thread gives a steadier tail latency than two that wait for each other.
     */
    public MiniLmEmbedder(Variant variant, int windowTokens, int threads) {
        if (windowTokens < 16 || windowTokens > 512) {
            throw new IllegalArgumentException("windowTokens must be in [16, 512], got " + windowTokens);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        this.variant = variant;
        this.contentTokens = windowTokens - 2; // [CLS] and [SEP]
        try {
            // The bundled tokenizer.json pads and truncates to 128; here we need the whole text's tokens.
            try (InputStream tok = resource(variant, variant.tokenizerResource)) {
                this.tokenizer = HuggingFaceTokenizer.newInstance(tok, Map.of("truncation", "false", "padding", "false"));
            }
            try (InputStream onnx = resource(variant, variant.modelResource);
                 InputStream tok = resource(variant, variant.tokenizerResource)) {
                this.model = new Encoder(onnx.readAllBytes(), tok, threads);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + variant.id + " from the classpath", e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load " + variant.modelResource + ": " + e.getMessage(), e);
        }
    }

    private static InputStream resource(Variant variant, String name) {
        InputStream in = MiniLmEmbedder.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the classpath; is langchain4j-embeddings-" + variant.id
                    + " a dependency?");
        }
        return in;
    }

    /** langchain4j's BERT encoder on a session we configure (threads, no spinning), mean pooling as sentence-transformers. */
    private static final class Encoder extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder encoder;

        Encoder(byte[] onnx, InputStream tokenizer, int threads) throws OrtException {
            super(Runnable::run);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            options.setInterOpNumThreads(1);
            // Busy-waiting worker threads steal the CPU from the rest of the service on a small machine.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            this.encoder = new OnnxBertBiEncoder(env, env.createSession(onnx, options), tokenizer, PoolingMode.MEAN);
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        @Override
        protected Integer knownDimension() {
            return DIMENSION;
        }
    }

    @Override
    public String name() {
        return variant.id;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public EmbeddedText embed(String text) {
        Encoding encoding = tokenizer.encode(text, false, false);
        CharSpan[] spans = encoding.getCharTokenSpans();
        int n = spans.length;
        if (n <= contentTokens) {
            return new EmbeddedText(vector(text), n, 1, false);
        }
        // Spans count Unicode code points; Java strings index UTF-16 units.
        int headEnd = text.offsetByCodePoints(0, spans[contentTokens - 1].getEnd());
        int tailStart = text.offsetByCodePoints(0, spans[n - contentTokens].getStart());
        float[] head = vector(text.substring(0, headEnd));
        float[] tail = vector(text.substring(tailStart));
        float[] mean = new float[head.length];
        double norm = 0;
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (head[i] + tail[i]) / 2;
            norm += mean[i] * mean[i];
        }
        float inv = (float) (1 / Math.sqrt(Math.max(norm, 1e-12)));
        for (int i = 0; i < mean.length; i++) {
            mean[i] *= inv;
        }
        return new EmbeddedText(mean, n, 2, n > 2 * contentTokens);
    }

    private float[] vector(String text) {
        return model.embed(text).content().vector();
    }
}
