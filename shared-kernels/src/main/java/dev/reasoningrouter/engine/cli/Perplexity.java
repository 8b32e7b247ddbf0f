package dev.reasoningrouter.engine.cli;

import dev.reasoningrouter.engine.generate.Generator;
import dev.reasoningrouter.engine.generate.LogSoftmax;
import dev.reasoningrouter.engine.model.InferenceModel;
import dev.reasoningrouter.engine.model.LatentKvCache;
import dev.reasoningrouter.engine.model.LoadedModel;
import dev.reasoningrouter.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code perplexity}: exp of the mean negative log-likelihood of each next token, over windows of the text. */
final class Perplexity {
    private Perplexity() {}

    /** Mean negative log-likelihood (nats) of tokens[1..] given their prefixes, in windows of {@code context}. */
    static double[] meanNll(InferenceModel model, int[] tokens, int context, int k) {
        double nll = 0;
        long count = 0;
        for (int start = 0; start + 1 < tokens.length; start += context) {
            int end = Math.min(tokens.length, start + context);
            try (LatentKvCache cache = model.newCache(end - start)) {
                for (int off = start; off < end; off += Generator.PREFILL_CHUNK) {
                    int n = Math.min(Generator.PREFILL_CHUNK, end - off);
                    LatentKvCache[] caches = new LatentKvCache[n];
                    Arrays.fill(caches, cache);
                    int[] experts = new int[n];
                    Arrays.fill(experts, k);
                    boolean[] want = new boolean[n];
                    for (int i = 0; i < n; i++) {
                        want[i] = off + i + 1 < end;
                    }
                    float[][] logits = model.forward(caches, Arrays.copyOfRange(tokens, off, off + n), n, experts, want);
                    for (int i = 0; i < n; i++) {
                        if (want[i]) {
                            nll -= LogSoftmax.at(logits[i], tokens[off + i + 1]);
                            count++;
                        }
                    }
                }
            }
        }
        return new double[] {count == 0 ? Double.NaN : nll / count, count};
    }

    static void run(EngineCli cli, Args a) throws IOException {
        boolean json = a.flag("json");
        try (LoadedModel lm = cli.open(a)) {
            int[] tokens = EngineCli.tokensOption(a);
            String textFile = a.get("text-file");
            if (textFile != null) {
                if (tokens != null) {
                    throw new CliException("give --text-file or --tokens-file, not both");
                }
                Tokenizer tok = TextCodec.tokenizerFor(lm);
                int[] body = tok.encode(Files.readString(Path.of(textFile)));
                tokens = tok.bosId() >= 0 ? EngineCli.prepend(tok.bosId(), body) : body;
            }
            if (tokens == null) {
                throw new CliException("perplexity needs --text-file F or --tokens-file F");
            }
            if (tokens.length < 2) {
                throw new CliException("perplexity needs at least 2 tokens, got " + tokens.length);
            }
            int context = a.intOpt("context", Math.min(512, lm.config().maxContext()));
            if (context < 2) {
                throw new CliException("--context must be at least 2");
            }
            int k = EngineCli.budget(a, lm.config());
            a.checkAllUsed();
            long t0 = System.nanoTime();
            double[] r = meanNll(lm.model(), tokens, context, k);
            double secs = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", lm.source());
            m.put("synthetic", lm.isSynthetic());
            m.put("tokens", tokens.length);
            m.put("scored_tokens", (long) r[1]);
            m.put("context", context);
            m.put("experts", k);
            m.put("mean_nll", r[0]);
            m.put("perplexity", Math.exp(r[0]));
            m.put("seconds", secs);
            if (json) {
                cli.out().println(EngineCli.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m));
            } else {
                cli.out().printf("perplexity %.4f (mean NLL %.4f nats over %d tokens, context %d, %d experts/token) in %.1f s%s%n",
                        Math.exp(r[0]), r[0], (long) r[1], context, k, secs, lm.isSynthetic() ? " [random-weight test model]" : "");
            }
        }
    }
}
