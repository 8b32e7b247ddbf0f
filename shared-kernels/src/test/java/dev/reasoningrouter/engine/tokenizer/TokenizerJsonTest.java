package dev.reasoningrouter.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/** Loading tokenizer.json from files: plain and gzip, with and without tokenizer_config.json, and bad files. */
class TokenizerJsonTest {

    private static final String SAMPLE = "Hello, 世界! 12345 <｜User｜>x<｜Assistant｜>\n\tcode();";

    @TempDir
    Path dir;

    private static byte[] bundledJson() throws IOException {
        try (InputStream in = new GZIPInputStream(
                TokenizerJsonTest.class.getResourceAsStream("/tokenizers/deepseek-v3/tokenizer.json.gz"))) {
            return in.readAllBytes();
        }
    }

    @Test
    void plainAndGzipFilesLoadTheSameTokenizer() throws IOException {
        byte[] json = bundledJson();
        Path plainDir = Files.createDirectories(dir.resolve("plain"));
        Path plain = Files.write(plainDir.resolve("tokenizer.json"), json);
        Path gzDir = Files.createDirectories(dir.resolve("gz"));
        Path gz = gzDir.resolve("tokenizer.json.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(json);
        }
        try (InputStream cfg = getClass().getResourceAsStream("/tokenizers/deepseek-v3/tokenizer_config.json")) {
            Files.write(gzDir.resolve("tokenizer_config.json"), cfg.readAllBytes());
        }

        BpeTokenizer a = BpeTokenizer.fromTokenizerJson(plain);
        BpeTokenizer b = BpeTokenizer.fromTokenizerJson(gz);
        assertThat(a.encode(SAMPLE)).containsExactly(b.encode(SAMPLE));
        assertThat(a.vocabSize()).isEqualTo(128_815);
        // without tokenizer_config.json: BOS/EOS by DeepSeek's names, no pad, no chat template
        assertThat(a.bosId()).isZero();
        assertThat(a.eosId()).isEqualTo(1);
        assertThat(a.vocabulary().padId()).isEqualTo(-1);
        assertThat(a.vocabulary().chatTemplate()).isNull();
        // with it: pad and template come from the config
        assertThat(b.vocabulary().padId()).isEqualTo(1);
        assertThat(b.vocabulary().chatTemplate()).startsWith("{% if not add_generation_prompt is defined %}");
    }

    @Test
    void badFilesFailNamingTheFileAndWhatWasWrong() throws IOException {
        assertThatThrownBy(() -> BpeTokenizer.fromTokenizerJson(dir.resolve("absent.json")))
                .hasMessageContaining("absent.json");

        Path garbage = Files.writeString(dir.resolve("garbage.json"), "{ not json");
        assertThatThrownBy(() -> BpeTokenizer.fromTokenizerJson(garbage))
                .hasMessageContaining("garbage.json").hasMessageContaining("not valid JSON");

        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(bundledJson());

        ObjectNode wordPiece = root.deepCopy();
        ((ObjectNode) wordPiece.get("model")).put("type", "WordPiece");
        Path wp = Files.write(dir.resolve("wp.json"), mapper.writeValueAsBytes(wordPiece));
        assertThatThrownBy(() -> BpeTokenizer.fromTokenizerJson(wp))
                .hasMessageContaining("wp.json").hasMessageContaining("model.type").hasMessageContaining("WordPiece");

        ObjectNode otherPre = root.deepCopy();
        otherPre.putObject("pre_tokenizer").put("type", "Whitespace");
        Path op = Files.write(dir.resolve("pre.json"), mapper.writeValueAsBytes(otherPre));
        assertThatThrownBy(() -> BpeTokenizer.fromTokenizerJson(op))
                .hasMessageContaining("pre.json").hasMessageContaining("pre_tokenizer").hasMessageContaining("Whitespace");

        ObjectNode badMerge = root.deepCopy();
        ((tools.jackson.databind.node.ArrayNode) badMerge.get("model").get("merges")).set(5, "Ġ notatoken");
        Path bm = Files.write(dir.resolve("merge.json"), mapper.writeValueAsBytes(badMerge));
        assertThatThrownBy(() -> BpeTokenizer.fromTokenizerJson(bm))
                .hasMessageContaining("tokenizer.ggml.merges[5]").hasMessageContaining("notatoken");
    }
}
