package dev.reasoningrouter.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EngineCliTest {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    private Run run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = new EngineCli(new PrintStream(o, true), new PrintStream(e, true)).run(args);
        return new Run(code, o.toString(), e.toString());
    }

    @Test
    void synthSpeaksTheRealDeepSeekV3VocabularyWhenAsked() throws Exception {
        Path gguf = dir.resolve("tiny-v3.gguf");
        assertThat(run("synth", "--out", gguf.toString(), "--preset", "tiny", "--type", "q8_0", "--vocab", "deepseek-v3").code()).isZero();
        Run r = run("inspect", gguf.toString(), "--json");
        assertThat(r.code()).isZero();
        assertThat(EngineCli.JSON.readTree(r.out()).toString()).contains("128815");
        assertThat(run("synth", "--out", dir.resolve("x.gguf").toString(), "--vocab", "gpt2").code()).isEqualTo(2);
    }

    @Test
    void synthInspectLogitsGeneratePerplexityAndBenchOnATinyModel() throws Exception {
        Path gguf = dir.resolve("tiny.gguf");
        assertThat(run("synth", "--out", gguf.toString(), "--preset", "tiny", "--type", "q8_0", "--seed", "3").code()).isZero();
        Path st = dir.resolve("tiny-st");
        assertThat(run("synth", "--out", st.toString(), "--format", "safetensors", "--type", "bf16").code()).isZero();
        assertThat(st.resolve("config.json")).exists();

        Run inspect = run("inspect", gguf.toString(), "--json", "--threads", "1");
        assertThat(inspect.code()).isZero();
        JsonNode j = JsonMapper.builder().build().readTree(inspect.out());
        assertThat(j.path("synthetic").asBoolean()).isTrue();
        assertThat(j.path("budgets").size()).isEqualTo(2);
        assertThat(j.path("budgets").get(0).path("active_parameters").asLong())
                .isLessThan(j.path("budgets").get(1).path("active_parameters").asLong());
        assertThat(j.path("kv_cache").path("mha_over_mla").asDouble()).isGreaterThan(1);
        assertThat(inspect.err()).contains("random-weight test model");
        assertThat(run("inspect", st.toString()).out()).contains("KV cache".toLowerCase().substring(0, 2)).contains("MLA");

        Path logits = dir.resolve("l.bin");
        Run l = run("logits", gguf.toString(), "--tokens", "508,1,2", "--out", logits.toString(), "--experts", "1");
        assertThat(l.code()).isZero();
        assertThat(Files.size(logits)).isEqualTo(3L * 512 * 4);
        FloatBufferCheck.assertFinite(Files.readAllBytes(logits));

        Run g = run("generate", gguf.toString(), "--tokens", "508,5,6", "--max-tokens", "5", "--seed", "1",
                "--temperature", "0.7", "--logprobs", "--ignore-eos");
        assertThat(g.code()).isZero();
        assertThat(g.out().trim().split(" ")).hasSize(5);
        assertThat(g.err()).contains("5 generated");
        assertThat(run("generate", gguf.toString(), "--tokens", "508,5,6", "--max-tokens", "5", "--seed", "1",
                "--temperature", "0.7", "--logprobs", "--ignore-eos").out()).isEqualTo(g.out());

        Path toks = dir.resolve("toks.txt");
        Files.writeString(toks, "508 1 2 3 4 5 6 7 8 9 10 11 12");
        Run p = run("perplexity", gguf.toString(), "--tokens-file", toks.toString(), "--json");
        assertThat(p.code()).isZero();
        double ppl = JsonMapper.builder().build().readTree(p.out()).path("perplexity").asDouble();
        assertThat(ppl).isGreaterThan(1).isLessThan(100_000);

        Run b = run("bench", gguf.toString(), "--prompt-tokens", "8", "--decode-tokens", "4", "--repeat", "1", "--memory-test-mb", "64", "--json");
        assertThat(b.code()).isZero();
        JsonNode bj = JsonMapper.builder().build().readTree(b.out());
        assertThat(bj.path("memory_read_bytes_per_s").asDouble()).isPositive();
        assertThat(bj.path("budgets").size()).isEqualTo(2);
        assertThat(bj.path("budgets").get(0).path("decode_tokens_per_s").asDouble()).isPositive();
    }

    @Test
    void tokenizeGivesTheIdsGenerateUsesAndTheyDecodeBackToTheText() throws Exception {
        Path gguf = dir.resolve("tiny.gguf");
        assertThat(run("synth", "--out", gguf.toString(), "--preset", "tiny", "--type", "q8_0").code()).isZero();
        String text = "The quick brown fox. Hello, world! 123 + 4.5 = x\n\tünïcödé ✓ 你好";

        Run plain = run("tokenize", gguf.toString(), "--text", text);
        assertThat(plain.code()).as(plain.err()).isZero();
        int[] ids = Args.parseTokenList(plain.out().trim(), "output");
        assertThat(plain.out().trim()).matches("[0-9]+(,[0-9]+)*");

        try (var lm = dev.reasoningrouter.engine.model.ModelLoader.load(gguf, 1)) {
            var tok = TextCodec.tokenizerFor(lm);
            // what generate --prompt feeds the model: BOS, then the encoded text
            assertThat(tok.bosId()).isNotNegative();
            assertThat(ids).containsExactly(EngineCli.prepend(tok.bosId(), tok.encode(text)));
            // round trip: the ids after BOS decode to the text itself
            assertThat(tok.decode(java.util.Arrays.copyOfRange(ids, 1, ids.length))).isEqualTo(text);
            assertThat(ids.length).isLessThan(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length); // merges applied

            Run noBos = run("tokenize", gguf.toString(), "--text", text, "--no-bos");
            int[] body = Args.parseTokenList(noBos.out().trim(), "output");
            assertThat(body).containsExactly(java.util.Arrays.copyOfRange(ids, 1, ids.length));
            assertThat(tok.decode(body)).isEqualTo(text);
        }

        // --json: the same ids, one piece per id, the count; the pieces of an ASCII text concatenate to it
        Run json = run("tokenize", gguf.toString(), "--text", text, "--json");
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode j = JsonMapper.builder().build().readTree(json.out());
        assertThat(j.path("count").asInt()).isEqualTo(ids.length);
        assertThat(j.path("bos").asBoolean()).isTrue();
        assertThat(j.path("ids").size()).isEqualTo(ids.length);
        for (int i = 0; i < ids.length; i++) {
            assertThat(j.path("ids").get(i).asInt()).isEqualTo(ids[i]);
        }
        assertThat(j.path("pieces").size()).isEqualTo(ids.length);
        Run ascii = run("tokenize", gguf.toString(), "--text", "The cat sat.", "--json", "--no-bos");
        JsonNode aj = JsonMapper.builder().build().readTree(ascii.out());
        StringBuilder joined = new StringBuilder();
        aj.path("pieces").forEach(p -> joined.append(p.asString()));
        assertThat(joined.toString()).isEqualTo("The cat sat.");

        // --file reads the same text; the output goes straight into logits --tokens
        Path f = dir.resolve("text.txt");
        Files.writeString(f, text);
        Run fromFile = run("tokenize", gguf.toString(), "--file", f.toString());
        assertThat(fromFile.out()).isEqualTo(plain.out());
        Run logits = run("logits", gguf.toString(), "--tokens", plain.out().trim(), "--out", dir.resolve("l.bin").toString());
        assertThat(logits.code()).as(logits.err()).isZero();
        assertThat(Files.size(dir.resolve("l.bin"))).isEqualTo(4L * 512 * ids.length);

        // bad usage: exit 2 and a message naming the problem
        Run neither = run("tokenize", gguf.toString());
        assertThat(neither.code()).isEqualTo(2);
        assertThat(neither.err()).contains("tokenize needs --text TEXT or --file F");
        Run both = run("tokenize", gguf.toString(), "--text", "a", "--file", f.toString());
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("not both");
        Run missing = run("tokenize", gguf.toString(), "--file", dir.resolve("nope.txt").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.txt does not exist");
        Path bad = dir.resolve("bad.txt");
        Files.write(bad, new byte[] {'a', (byte) 0xC3, '('});
        Run badUtf8 = run("tokenize", gguf.toString(), "--file", bad.toString());
        assertThat(badUtf8.code()).isEqualTo(2);
        assertThat(badUtf8.err()).contains("is not valid UTF-8");
        Run noModel = run("tokenize", "--text", "a");
        assertThat(noModel.code()).isEqualTo(2);
        assertThat(noModel.err()).contains("missing MODEL");
        assertThat(run("tokenize", gguf.toString(), "--text", "a", "--experts", "1").err()).contains("unknown option --experts");
        assertThat(run("help").out()).contains("tokenize    MODEL (--text TEXT | --file F)");
    }

    @Test
    void errorsAreClearWithExitCodeTwo() throws Exception {
        Path gguf = dir.resolve("tiny.gguf");
        run("synth", "--out", gguf.toString());
        Run prompt = run("generate", gguf.toString(), "--prompt", "hello", "--max-tokens", "4", "--ignore-eos");
        assertThat(prompt.code()).as(prompt.err()).isZero();
        assertThat(prompt.err()).contains("random-weight test model").contains("4 generated");
        Run budget = run("logits", gguf.toString(), "--tokens", "1", "--out", dir.resolve("x").toString(), "--experts", "3");
        assertThat(budget.code()).isEqualTo(2);
        assertThat(budget.err()).contains("expert budget 3 is out of range").contains("1..2");
        Run missing = run("inspect", dir.resolve("nope.gguf").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("does not exist");
        assertThat(run("inspect", gguf.toString(), "--jsn", "1").err()).contains("unknown option --jsn");
        assertThat(run("frobnicate").err()).contains("unknown command");
        assertThat(run("help").out()).contains("synth").contains("inspect").contains("logits").contains("generate")
                .contains("perplexity").contains("bench");
        Run badType = run("synth", "--out", dir.resolve("y.gguf").toString(), "--type", "q5_1");
        assertThat(badType.code()).isEqualTo(2);
        assertThat(badType.err()).contains("unknown weight type 'q5_1'");
    }

    @Test
    void backendOptionPicksTheCpuOrSaysWhyCudaCannotRun() throws Exception {
        Path gguf = dir.resolve("tiny.gguf");
        run("synth", "--out", gguf.toString());
        Run cpu = run("generate", gguf.toString(), "--tokens", "508,5,6", "--max-tokens", "3", "--ignore-eos", "--backend", "cpu", "--threads", "1");
        assertThat(cpu.code()).as(cpu.err()).isZero();
        assertThat(cpu.err()).contains("backend: cpu (1 threads").contains("backend=cpu requested");
        Run b = run("bench", gguf.toString(), "--prompt-tokens", "4", "--decode-tokens", "2", "--repeat", "1", "--memory-test-mb", "16",
                "--backend", "cpu", "--threads", "1");
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(b.out()).contains("backend cpu (1 threads").contains("host memory read, measured");
        Run bad = run("logits", gguf.toString(), "--tokens", "1", "--out", dir.resolve("x").toString(), "--backend", "tpu");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown backend 'tpu'").contains("auto, cpu or cuda");
        assertThat(run("help").out()).contains("--backend B");
        if (!dev.reasoningrouter.engine.kernels.cuda.CudaDevice.probe().available()) {
            Run cuda = run("perplexity", gguf.toString(), "--tokens", "508,1,2", "--backend", "cuda");
            assertThat(cuda.code()).isEqualTo(1);
            assertThat(cuda.err()).startsWith("error: backend=cuda requested but CUDA is unavailable: ");
            Run auto = run("generate", gguf.toString(), "--tokens", "508,5,6", "--max-tokens", "2", "--ignore-eos", "--threads", "1");
            assertThat(auto.code()).as(auto.err()).isZero();
            assertThat(auto.err()).contains("backend: cpu (").contains("backend=auto falling back to the CPU");
        }
    }

    static final class FloatBufferCheck {
        static void assertFinite(byte[] b) {
            var fb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
            while (fb.hasRemaining()) {
                float v = fb.get();
                assertThat(Float.isFinite(v)).isTrue();
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            assertThat(hi - lo).isGreaterThan(0.1f); // logits are not degenerate
        }
    }
}
