package dev.reasoningrouter.engine.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;

/** The tokenizers that ship inside this jar. */
public final class DeepSeekTokenizers {

    static final String V3_DIR = "/tokenizers/deepseek-v3/";

    private DeepSeekTokenizers() {}

    /**
     * DeepSeek-V3's own tokenizer (128,000 BPE tokens, 127,741 merges, 818 added tokens, its chat template),
     * from the resources bundled with this jar (see {@code tokenizers/deepseek-v3/NOTICE.txt}). Each call
     * parses the ~8 MB JSON again (a few hundred milliseconds); callers keep the instance.
     */
    public static BpeTokenizer bundledV3() {
        String json = V3_DIR + "tokenizer.json.gz";
        String config = V3_DIR + "tokenizer_config.json";
        try (InputStream j = resource(json); InputStream c = resource(config)) {
            return BpeTokenizer.fromTokenizerJson(new GZIPInputStream(j, 1 << 16), c, "classpath:" + json);
        } catch (IOException e) {
            throw new UncheckedIOException("classpath:" + json + ": cannot read the bundled tokenizer", e);
        }
    }

    private static InputStream resource(String path) {
        InputStream in = DeepSeekTokenizers.class.getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("classpath:" + path + " is missing from the shared-kernels jar");
        }
        return in;
    }
}
