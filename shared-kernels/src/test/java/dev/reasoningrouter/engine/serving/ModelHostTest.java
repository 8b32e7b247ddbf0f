package dev.reasoningrouter.engine.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.engine.generate.SamplingParams;
import dev.reasoningrouter.engine.model.ExpertBudget;
import dev.reasoningrouter.engine.synth.SyntheticGgufWriter;
import dev.reasoningrouter.engine.synth.SyntheticModel;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tokenizer.ChatTemplate;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import dev.reasoningrouter.engine.tokenizer.DeepSeekTokenizers;
import dev.reasoningrouter.engine.tokenizer.TokenizerVocabularies;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelHostTest {

    @TempDir
    static Path dir;
    static ModelHost host;

    /** The tiny preset speaking the V3 tokenizer cut to its first 300 merges: a real BPE, a few hundred tokens. */
    static Path writeTinyModel(Path dir) throws Exception {
        var vocab = TokenizerVocabularies.truncated(DeepSeekTokenizers.bundledV3().vocabulary(), 300);
        Path file = dir.resolve("tiny.gguf");
        SyntheticGgufWriter.write(SyntheticModel.preset("tiny", 7, vocab), GgmlType.F32, file);
        return file;
    }

    @BeforeAll
    static void open() throws Exception {
        host = ModelHost.open(new ModelHost.Options(writeTinyModel(dir), null, 1, 4));
    }

    @AfterAll
    static void close() {
        host.close();
    }

    @Test
    void describesTheSyntheticModel() {
        assertTrue(host.isSynthetic());
        assertTrue(host.modelName().contains(SyntheticModel.MARKER), host.modelName());
        assertEquals(2, host.trainedTopK());
        assertEquals(ChatTemplate.DEEPSEEK_V3, host.chatTemplate().name());
        assertTrue(host.tokenizerSource().contains("model file"));
        long one = host.activeParametersPerToken(new ExpertBudget(1));
        long two = host.activeParametersPerToken(new ExpertBudget(2));
        assertTrue(one < two && two < host.totalParameters(), one + " " + two + " " + host.totalParameters());
        // tiny: 3 layers x (kv_lora 32 + rope 8) float32
        assertEquals(3L * (32 + 8) * 4, host.kvCacheBytesPerToken());
    }

    @Test
    void chatGeneratesDeterministicTextAndStreamsTheSameText() {
        List<ChatTurn> turns = List.of(new ChatTurn("system", "be brief"), new ChatTurn("user", "Hello there"));
        SamplingParams p = SamplingParams.sampled(0.8, 0.95, 11, 12).withIgnoreEos(true);
        StringBuilder streamed = new StringBuilder();
        ChatOutcome a = host.chat(turns, p, new ExpertBudget(1), streamed::append, new CancellationToken());
        ChatOutcome b = host.chat(turns, p, new ExpertBudget(1), null, null);
        assertEquals(12, a.completionTokens());
        assertEquals("length", a.openAiFinishReason());
        assertEquals(1, a.expertsPerToken());
        assertFalse(a.text().isEmpty());
        assertEquals(a.text(), streamed.toString());
        assertEquals(a.text(), b.text());
        int expectedPrompt = host.tokenizer().encode(host.chatTemplate().render(turns, true)).length;
        assertEquals(expectedPrompt, a.promptTokens());
        assertTrue(a.ttftNanos() > 0 && a.ttftNanos() <= a.totalNanos());
        ChatOutcome full = host.chat(turns, p, ExpertBudget.full(host.config()), null, null);
        assertEquals(2, full.expertsPerToken());
    }

    @Test
    void aCallsReplyPrefixFollowsTheGenerationPromptAndProbesReportFirstTokenLogprobs() {
        List<ChatTurn> turns = List.of(new ChatTurn("user", "Is 2 + 2 = 4?"));
        SamplingParams greedy = SamplingParams.greedy(3).withIgnoreEos(true);
        ChatOutcome plain = host.chat(ChatCall.of(turns, greedy, new ExpertBudget(2)), null, null);
        ChatCall prefixed = new ChatCall(turns, "<think>\n", greedy, new ExpertBudget(2), List.of());
        int prefixTokens = host.tokenizer().encode("<think>\n").length;
        assertEquals(plain.promptTokens() + prefixTokens, host.promptTokens(prefixed).length);
        assertEquals(plain.promptTokens() + prefixTokens, host.chat(prefixed, null, null).promptTokens());

        // probing the word the model would pick anyway reports exactly that token's log-probability
        String first = new String(host.tokenizer().tokenBytes(host.tokenizer().encode(plain.text())[0]),
                java.nio.charset.StandardCharsets.UTF_8);
        int firstId = host.firstToken(first);
        ChatOutcome probed = host.chat(new ChatCall(turns, "", greedy, new ExpertBudget(2), List.of(first, "yes", "no")), null, null);
        assertEquals(plain.text(), probed.text(), "probes do not change what is generated");
        assertEquals(3, probed.probeLogprobs().length);
        if (firstId == host.tokenizer().encode(plain.text())[0]) {
            assertEquals(plain.tokenLogprobs()[0], probed.probeLogprobs()[0], 1e-5);
        }
        double mass = 0;
        for (float lp : probed.probeLogprobs()) {
            assertTrue(lp <= 0, "a log-probability is at most 0: " + lp);
            mass += Math.exp(lp);
        }
        assertTrue(mass <= 1.0 + 1e-5, "probabilities of distinct tokens sum to at most 1: " + mass);
        assertEquals(3, plain.tokenLogprobs().length);
    }

    @Test
    void checkRefusesPromptsThatDoNotFitTheContext() {
        String huge = "word ".repeat(host.config().maxContext() + 10);
        var e = assertThrows(IllegalArgumentException.class,
                () -> host.check(ChatCall.of(List.of(new ChatTurn("user", huge)), SamplingParams.greedy(2), new ExpertBudget(1))));
        assertTrue(e.getMessage().contains("context"), e.getMessage());
        host.check(ChatCall.of(List.of(new ChatTurn("user", "short")), SamplingParams.greedy(2), new ExpertBudget(1)));
    }

    @Test
    void stopStringsEndTheReplyBeforeTheMatch() {
        List<ChatTurn> turns = List.of(new ChatTurn("user", "Count"));
        SamplingParams greedy = SamplingParams.greedy(16).withIgnoreEos(true);
        String full = host.chat(turns, greedy, new ExpertBudget(2), null, null).text();
        String stop = full.substring(full.length() / 2, full.length() / 2 + 2);
        int at = full.indexOf(stop);
        StringBuilder streamed = new StringBuilder();
        ChatOutcome o = host.chat(turns, greedy.withStops(List.of(), List.of(stop)), new ExpertBudget(2), streamed::append, null);
        assertEquals(full.substring(0, at), o.text());
        assertEquals(o.text(), streamed.toString(), "the stop string never reaches the stream");
        assertEquals("stop", o.openAiFinishReason());
    }

    @Test
    void refusesABudgetAboveTheTrainedTopK() {
        var e = assertThrows(IllegalArgumentException.class, () -> host.chat(List.of(new ChatTurn("user", "x")),
                SamplingParams.greedy(2), new ExpertBudget(3), null, null));
        assertTrue(e.getMessage().contains("1..2"), e.getMessage());
    }

    @Test
    void concurrentWritersOfTheCachedModelNeverExposeAHalfFile() throws Exception {
        Path cache = dir.resolve("race");
        SyntheticModel m = SyntheticModel.preset("tiny", 9);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<Path>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                fs.add(pool.submit(() -> DefaultTestModel.ensure(cache, "race.gguf",
                        tmp -> SyntheticGgufWriter.write(m, GgmlType.Q8_0, tmp))));
            }
            for (var f : fs) {
                Path p = f.get();
                try (ModelHost h = ModelHost.open(p, 1, 1)) { // every caller gets a complete, loadable file
                    assertTrue(h.isSynthetic());
                }
            }
        } finally {
            pool.shutdown();
        }
        try (var files = java.nio.file.Files.list(cache)) {
            assertEquals(List.of(cache.resolve("race.gguf")), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void defaultTestModelSpeaksTheFullV3VocabularyAndIsWrittenOnce() throws Exception {
        Path cache = dir.resolve("cache");
        long t0 = System.nanoTime();
        Path file = DefaultTestModel.ensure(cache);
        long written = System.nanoTime() - t0;
        long modified = java.nio.file.Files.getLastModifiedTime(file).toMillis();
        assertEquals(file, DefaultTestModel.ensure(cache));
        assertEquals(modified, java.nio.file.Files.getLastModifiedTime(file).toMillis());
        try (var files = java.nio.file.Files.list(cache)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
        long t1 = System.nanoTime();
        try (ModelHost h = ModelHost.open(new ModelHost.Options(null, cache, 1, 2))) {
            long opened = System.nanoTime() - t1;
            System.out.printf("default test model: written in %d ms, opened in %d ms, %d bytes%n", written / 1_000_000,
                    opened / 1_000_000, java.nio.file.Files.size(file));
            assertTrue(h.isSynthetic());
            assertEquals(DeepSeekTokenizers.bundledV3().vocabSize(), h.tokenizer().vocabSize());
            assertEquals(ChatTemplate.DEEPSEEK_V3, h.chatTemplate().name());
            ChatOutcome o = h.chat(List.of(new ChatTurn("user", "Hi")), SamplingParams.greedy(4).withIgnoreEos(true),
                    new ExpertBudget(1), null, null);
            assertEquals(4, o.completionTokens());
        }
    }
}
