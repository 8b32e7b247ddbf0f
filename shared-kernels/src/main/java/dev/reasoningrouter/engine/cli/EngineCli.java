package dev.reasoningrouter.engine.cli;

import dev.reasoningrouter.engine.format.ModelFormatException;
import dev.reasoningrouter.engine.generate.GenerationRequest;
import dev.reasoningrouter.engine.generate.GenerationResult;
import dev.reasoningrouter.engine.generate.Generator;
import dev.reasoningrouter.engine.generate.SamplingParams;
import dev.reasoningrouter.engine.kernels.cuda.BackendChoice;
import dev.reasoningrouter.engine.kernels.cuda.CudaUnavailableException;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.model.LatentKvCache;
import dev.reasoningrouter.engine.model.LoadedModel;
import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.model.ModelLoader;
import dev.reasoningrouter.engine.model.ModelStats;
import dev.reasoningrouter.engine.synth.SyntheticGgufWriter;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.synth.SyntheticSafetensorsWriter;
import dev.reasoningrouter.engine.tokenizer.DeepSeekTokenizers;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tokenizer.Tokenizer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The engine's command line: {@code synth}, {@code inspect}, {@code tokenize}, {@code logits}, {@code generate},
 * {@code perplexity}, {@code bench}. Run {@code help} for usage. Exit codes: 0 ok, 1 failure, 2 bad usage or input.
 */
public final class EngineCli {

    static final ObjectMapper JSON = JsonMapper.builder().build();
    private final PrintStream out;
    private final PrintStream err;

    public EngineCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new EngineCli(System.out, System.err).run(args));
    }

    static final String HELP = """
            Reasoning Router engine (DeepSeek-V2/V3 MoE on the CPU or a CUDA GPU)

            Usage: EngineCli COMMAND [MODEL] [options]      MODEL = a .gguf file or a checkpoint directory

              synth       --out PATH [--format gguf|safetensors] [--type f32|f16|bf16|q8_0|q4_k|q6_k|fp8]
                          [--preset tiny|small|1b] [--seed N] [--vocab generated|deepseek-v3]
                          Write a deterministic random-weight DeepSeek-V3-style test model; --vocab deepseek-v3
                          speaks the real DeepSeek-V3 tokenizer (128,815 tokens, bundled), not a small generated one.
              inspect     MODEL [--json]
                          Architecture, sizes, weight types, experts, active parameters per budget,
                          KV-cache bytes per token (MLA against plain multi-head attention).
              tokenize    MODEL (--text TEXT | --file F) [--no-bos] [--json]
                          The model's tokenizer on the text, as generate --prompt encodes it (BOS first when the
                          vocabulary has one; --no-bos leaves it out). Prints the ids comma-separated on one line
                          (ready for logits --tokens); --json: ids, each token's own text (pieces) and the count.
              logits      MODEL (--tokens 1,2,3 | --tokens-file F) --out FILE [--experts K] [--backend B] [--threads N]
                          Raw little-endian float32 logits, one row of vocab size per position.
              generate    MODEL (--prompt TEXT | --tokens 1,2,3) [--max-tokens N] [--seed S] [--temperature T]
                          [--top-p P] [--experts K] [--stop-tokens a,b] [--logprobs] [--backend B] [--threads N]
              perplexity  MODEL (--text-file F | --tokens-file F) [--context N] [--experts K] [--json] [--backend B]
                          [--threads N]
              bench       MODEL [--prompt-tokens N] [--decode-tokens N] [--repeat R] [--experts K] [--json] [--backend B]
                          [--threads N] [--memory-test-mb M]
                          Prefill and decode tokens/s per expert budget; achieved weight-read bandwidth against a
                          memory-read rate measured here (CPU) or the device's peak bandwidth (CUDA).
              help        This text.

            --experts K: routed experts per token, 1..the model's trained top-k (default: trained top-k).
            --backend B: auto (default: a CUDA GPU when one initialises and can run the model, else the CPU),
                         cpu, or cuda (the GPU or an error saying why not). The chosen backend is printed.
            --threads N: CPU worker threads (default: all cores).
            Text goes through the model's own tokenizer (GGUF tokenizer.ggml.*, a checkpoint's tokenizer.json,
            else the bundled DeepSeek-V3 one); --tokens passes ids directly.
            """;

    public int run(String[] args) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            out.print(HELP);
            return 0;
        }
        String cmd = args[0];
        try {
            switch (cmd) {
                case "synth" -> synth(new Args(args, 1, Set.of()));
                case "inspect" -> inspect(new Args(args, 1, Set.of("json")));
                case "tokenize" -> Tokenize.run(this, new Args(args, 1, Set.of("json", "no-bos")));
                case "logits" -> logits(new Args(args, 1, Set.of()));
                case "generate" -> generate(new Args(args, 1, Set.of("logprobs", "ignore-eos")));
                case "perplexity" -> Perplexity.run(this, new Args(args, 1, Set.of("json")));
                case "bench" -> Bench.run(this, new Args(args, 1, Set.of("json")));
                default -> throw new CliException("unknown command '" + cmd + "'; run 'help' for the list");
            }
            return 0;
        } catch (CliException | ModelFormatException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (CudaUnavailableException | IOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    /** Opens MODEL on the backend {@code --backend} asks for (auto when absent), and says which one runs it. */
    LoadedModel open(Args a) {
        String path = a.positional(0, "MODEL (a .gguf file or checkpoint directory)");
        BackendChoice choice = BackendChoice.parse(a.get("backend", "auto"));
        LoadedModel m = ModelLoader.load(Path.of(path), a.intOpt("threads", 0), choice);
        err.println("backend: " + m.model().backendName() + " (" + m.backend().reason() + ")");
        note(m);
        return m;
    }

    /** Opens MODEL to look at it (inspect): on the CPU, nothing uploaded anywhere. */
    private LoadedModel openForInspection(Args a) {
        String path = a.positional(0, "MODEL (a .gguf file or checkpoint directory)");
        LoadedModel m = ModelLoader.load(Path.of(path), a.intOpt("threads", 0));
        note(m);
        return m;
    }

    private void note(LoadedModel m) {
        if (m.isSynthetic()) {
            err.println("note: " + m.description() + " -- a random-weight test model; its outputs mean nothing");
        }
    }

    static int budget(Args a, ModelConfig c) {
        return ExpertBudget.of(a.intOpt("experts", ExpertBudget.full(c).experts()), c).experts();
    }

    static int[] tokensOption(Args a) throws IOException {
        String inline = a.get("tokens");
        String file = a.get("tokens-file");
        if (inline != null && file != null) {
            throw new CliException("give --tokens or --tokens-file, not both");
        }
        if (inline != null) {
            return Args.parseTokenList(inline, "--tokens");
        }
        if (file != null) {
            return Args.parseTokenList(Files.readString(Path.of(file)), "--tokens-file " + file);
        }
        return null;
    }

    private void synth(Args a) throws IOException {
        Path outPath = Path.of(a.require("out"));
        String format = a.get("format", "gguf");
        GgmlType type = GgmlType.parse(a.get("type", "f32"));
        String preset = a.get("preset", "tiny");
        long seed = a.longOpt("seed", 42);
        SyntheticModel m = switch (a.get("vocab", "generated")) {
            case "generated" -> SyntheticModel.preset(preset, seed);
            case "deepseek-v3" -> SyntheticModel.preset(preset, seed, DeepSeekTokenizers.bundledV3().vocabulary());
            default -> throw new CliException("--vocab must be generated or deepseek-v3, got '" + a.get("vocab") + "'");
        };
        a.checkAllUsed();
        long t0 = System.nanoTime();
        switch (format) {
            case "gguf" -> SyntheticGgufWriter.write(m, type, outPath);
            case "safetensors" -> SyntheticSafetensorsWriter.write(m, type, outPath);
            default -> throw new CliException("--format must be gguf or safetensors, got '" + format + "'");
        }
        out.printf("wrote %s (%s, %s, %,d parameters) to %s in %.1f s%n", m.name(), format, type.name().toLowerCase(),
                m.parameterCount(), outPath, (System.nanoTime() - t0) / 1e9);
    }

    private void inspect(Args a) throws IOException {
        boolean json = a.flag("json");
        try (LoadedModel lm = openForInspection(a)) {
            a.checkAllUsed();
            ModelConfig c = lm.config();
            ModelStats s = new ModelStats(c, lm.weights());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("source", lm.source());
            r.put("format", lm.format());
            r.put("name", lm.description());
            r.put("synthetic", lm.isSynthetic());
            r.put("architecture", "deepseek2 (DeepSeek-V2/V3: MLA + DeepSeekMoE)");
            r.put("config", c);
            r.put("total_parameters", s.totalParameters());
            r.put("total_weight_bytes", s.totalWeightBytes());
            Map<String, Long> types = new LinkedHashMap<>();
            s.typeCounts().forEach((k, v) -> types.put(k.name(), v));
            r.put("matrix_types", types);
            List<Map<String, Object>> budgets = new ArrayList<>();
            for (int k = 1; k <= Math.max(1, c.numExpertsPerTok()); k++) {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("experts", k);
                b.put("active_parameters", s.activeParameters(k));
                b.put("active_weight_bytes", s.activeWeightBytes(k));
                budgets.add(b);
            }
            r.put("budgets", budgets);
            Map<String, Object> kv = new LinkedHashMap<>();
            kv.put("mla_elements_per_token", s.mlaCacheElementsPerToken());
            kv.put("mha_elements_per_token", s.mhaCacheElementsPerToken());
            kv.put("mla_bytes_per_token_bf16", 2 * s.mlaCacheElementsPerToken());
            kv.put("mha_bytes_per_token_bf16", 2 * s.mhaCacheElementsPerToken());
            kv.put("engine_bytes_per_token_f32", 4 * s.mlaCacheElementsPerToken());
            kv.put("mha_over_mla", (double) s.mhaCacheElementsPerToken() / s.mlaCacheElementsPerToken());
            r.put("kv_cache", kv);
            r.put("tokenizer_vocabulary", lm.vocabulary().map(v -> v.tokens().size() + " tokens, pre " + v.preTokenizer()).orElse("none"));
            if (json) {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
                return;
            }
            out.printf("model       %s (%s)%n", lm.source(), lm.format());
            out.printf("name        %s%s%n", lm.description(), lm.isSynthetic() ? "  [RANDOM-WEIGHT TEST MODEL]" : "");
            out.printf("arch        DeepSeek MLA + MoE: %d layers (%d dense), hidden %d, %d heads, vocab %d%n",
                    c.numLayers(), c.firstKDenseReplace(), c.hiddenSize(), c.numHeads(), c.vocabSize());
            out.printf("attention   q_lora %d, kv_lora %d, qk_nope %d, qk_rope %d, v_head %d, rope theta %.0f, yarn x%.1f (orig ctx %d)%n",
                    c.qLoraRank(), c.kvLoraRank(), c.qkNopeHeadDim(), c.qkRopeHeadDim(), c.vHeadDim(), c.ropeTheta(),
                    c.ropeScalingFactor(), c.ropeOriginalContext());
            out.printf("experts     %d routed (top-%d), %d shared, ffn %d; %s gating%s, best %d of %d groups, norm %s, scale %.2f%n",
                    c.nRoutedExperts(), c.numExpertsPerTok(), c.nSharedExperts(), c.moeIntermediateSize(),
                    c.scoringFunc().name().toLowerCase(), c.hasSelectionBias() ? " + selection bias" : "", c.topkGroup(), c.nGroup(),
                    c.normTopKProb(), c.routedScalingFactor());
            out.printf("parameters  %,d total, %,d weight bytes; matrix types %s%n", s.totalParameters(), s.totalWeightBytes(), types);
            for (Map<String, Object> b : budgets) {
                out.printf("budget k=%-2d active %,d parameters/token, %,d weight bytes/token%n", b.get("experts"),
                        b.get("active_parameters"), b.get("active_weight_bytes"));
            }
            out.printf("kv cache    MLA %,d elements/token (%,d B at bf16) vs plain MHA %,d (%,d B): %.1fx smaller%n",
                    s.mlaCacheElementsPerToken(), 2 * s.mlaCacheElementsPerToken(), s.mhaCacheElementsPerToken(),
                    2 * s.mhaCacheElementsPerToken(), (double) s.mhaCacheElementsPerToken() / s.mlaCacheElementsPerToken());
            out.printf("tokenizer   %s%n", r.get("tokenizer_vocabulary"));
        }
    }

    private void logits(Args a) throws IOException {
        try (LoadedModel lm = open(a)) {
            int[] tokens = tokensOption(a);
            if (tokens == null) {
                throw new CliException("logits needs --tokens 1,2,3 or --tokens-file F");
            }
            Path outFile = Path.of(a.require("out"));
            int k = budget(a, lm.config());
            a.checkAllUsed();
            int vocab = lm.config().vocabSize();
            ByteBuffer row = ByteBuffer.allocate(4 * vocab).order(ByteOrder.LITTLE_ENDIAN);
            try (LatentKvCache cache = lm.model().newCache(tokens.length);
                 OutputStream os = new BufferedOutputStream(Files.newOutputStream(outFile))) {
                for (int off = 0; off < tokens.length; off += Generator.PREFILL_CHUNK) {
                    int n = Math.min(Generator.PREFILL_CHUNK, tokens.length - off);
                    LatentKvCache[] caches = new LatentKvCache[n];
                    Arrays.fill(caches, cache);
                    int[] experts = new int[n];
                    Arrays.fill(experts, k);
                    boolean[] want = new boolean[n];
                    Arrays.fill(want, true);
                    float[][] l = lm.model().forward(caches, Arrays.copyOfRange(tokens, off, off + n), n, experts, want);
                    for (int i = 0; i < n; i++) {
                        row.clear();
                        row.asFloatBuffer().put(l[i]);
                        os.write(row.array());
                    }
                }
            }
            err.printf("wrote %d x %d float32 logits (little-endian) to %s, %d routed experts per token%n", tokens.length, vocab, outFile, k);
        }
    }

    private void generate(Args a) throws IOException {
        try (LoadedModel lm = open(a)) {
            ModelConfig c = lm.config();
            String prompt = a.get("prompt");
            int[] tokens = tokensOption(a);
            Tokenizer tok = TextCodec.tokenizerFor(lm);
            if (prompt != null) {
                if (tokens != null) {
                    throw new CliException("give --prompt or --tokens, not both");
                }
                int[] body = tok.encode(prompt);
                tokens = tok.bosId() >= 0 ? prepend(tok.bosId(), body) : body;
            }
            if (tokens == null) {
                throw new CliException("generate needs --prompt TEXT or --tokens 1,2,3");
            }
            List<int[]> stops = new ArrayList<>();
            String stopTokens = a.get("stop-tokens");
            if (stopTokens != null) {
                stops.add(Args.parseTokenList(stopTokens, "--stop-tokens"));
            }
            SamplingParams sp = new SamplingParams(a.doubleOpt("temperature", 0), a.doubleOpt("top-p", 1.0), a.longOpt("seed", 0),
                    a.intOpt("max-tokens", 32), stops, List.of(), a.flag("ignore-eos"));
            boolean logprobs = a.flag("logprobs");
            ExpertBudget budget = new ExpertBudget(budget(a, c));
            a.checkAllUsed();
            Generator g = new Generator(lm.model(), tok);
            // text in, text out; token ids in (--tokens), token ids out
            Tokenizer ftok = prompt != null ? tok : null;
            GenerationResult r = g.generate(new GenerationRequest(tokens, sp, budget), t -> {
                if (ftok != null) {
                    out.print(t.text());
                } else {
                    out.print(t.index() == 0 ? "" : " ");
                    out.print(t.tokenId());
                }
                if (logprobs) {
                    out.printf("[%.4f]", t.logprob());
                }
                out.flush();
            });
            out.println();
            err.printf("%d prompt tokens, %d generated (%s), %d experts/token; prefill %.1f tok/s, decode %.1f tok/s%s%n",
                    r.promptTokens(), r.tokens().length, r.finishReason(), r.expertsPerToken(),
                    r.promptTokens() / (r.prefillNanos() / 1e9), Math.max(0, r.tokens().length - 1) / Math.max(1e-9, r.decodeNanos() / 1e9),
                    lm.isSynthetic() ? " [random-weight test model]" : "");
        }
    }

    static int[] prepend(int first, int[] rest) {
        int[] t = new int[rest.length + 1];
        t[0] = first;
        System.arraycopy(rest, 0, t, 1, rest.length);
        return t;
    }
}
