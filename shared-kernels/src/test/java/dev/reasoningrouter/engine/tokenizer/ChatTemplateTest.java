package dev.reasoningrouter.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** The chat templates against renders of their Jinja originals by an independent engine. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatTemplateTest {

    private BpeTokenizer v3;

    @BeforeAll
    void load() {
        v3 = DeepSeekTokenizers.bundledV3();
    }

    Stream<Arguments> jinjaRenders() {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : TestData.json("chat-templates-expected.json").path("cases")) {
            List<ChatTurn> turns = new ArrayList<>();
            c.path("messages").forEach(m -> turns.add(new ChatTurn(m.path("role").asString(), m.path("content").asString())));
            out.add(Arguments.of(c.path("template").asString(), turns, c.path("add_generation_prompt").asBoolean(),
                    c.path("text").asString()));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} generation prompt {2}: {1}")
    @MethodSource("jinjaRenders")
    void rendersAsTheJinjaOriginal(String template, List<ChatTurn> turns, boolean addGenerationPrompt, String expected) {
        assertThat(ChatTemplate.named(template).render(turns, addGenerationPrompt)).isEqualTo(expected);
    }

    @Test
    void theTemplateSourcesAreTheOnesWeRecognise() {
        JsonNode sources = TestData.json("chat-templates-expected.json").path("sources");
        assertThat(sources.path("deepseek-v2").asString()).isEqualTo(ChatTemplate.DEEPSEEK_V2_SOURCE);
        // the bundled tokenizer_config.json carries the DeepSeek-V3 one
        assertThat(v3.vocabulary().chatTemplate()).isEqualTo(sources.path("deepseek-v3").asString());
        assertThat(ChatTemplate.forVocabulary(v3.vocabulary()).name()).isEqualTo("deepseek-v3");
    }

    @Test
    void forVocabularyReadsTheTemplateOrFallsBackToThePreTokenizer() {
        TokenizerVocabulary withV2 = TinyVocabulary.of("deepseek-v3", List.of("a b"),
                List.of("<s>", "</s>"), ChatTemplate.DEEPSEEK_V2_SOURCE);
        ChatTemplate t = ChatTemplate.forVocabulary(withV2);
        assertThat(t.name()).isEqualTo("deepseek-v2");
        // BOS and EOS are the vocabulary's own
        assertThat(t.render(List.of(new ChatTurn("user", "hi"), new ChatTurn("assistant", "yo")), true))
                .isEqualTo("<s>User: hi\n\nAssistant: yo</s>Assistant:");

        assertThat(ChatTemplate.forVocabulary(TinyVocabulary.of("deepseek-llm", List.of("a b"), List.of(), null)).name())
                .isEqualTo("deepseek-v2");
        assertThat(ChatTemplate.forVocabulary(TinyVocabulary.of("deepseek-v3", List.of("a b"), List.of(), null)).name())
                .isEqualTo("deepseek-v3");
        assertThatThrownBy(() -> ChatTemplate.forVocabulary(TinyVocabulary.of("deepseek-v3", List.of("a b"), List.of(),
                "{% for m in messages %}<|im_start|>{{ m['content'] }}{% endfor %}")))
                .hasMessageContaining("not a DeepSeek");
    }

    @Test
    void renderedPromptEncodesWithOneBosAndTheRoleTokens() {
        String prompt = ChatTemplate.forVocabulary(v3.vocabulary())
                .render(List.of(new ChatTurn("system", "Be brief."), new ChatTurn("user", "2+2?")), true);
        int[] ids = v3.encode(prompt);
        assertThat(ids[0]).isEqualTo(v3.bosId());
        assertThat(java.util.Arrays.stream(ids).filter(id -> id == v3.bosId()).count()).isEqualTo(1);
        assertThat(ids).contains(128_803);
        assertThat(ids[ids.length - 1]).isEqualTo(128_804);
        assertThat(v3.decode(ids)).isEqualTo(prompt);
    }

    @Test
    void badTurnsAreRejected() {
        ChatTemplate v2 = ChatTemplate.named("deepseek-v2");
        assertThatThrownBy(() -> v2.render(List.of(new ChatTurn("tool", "{}")), true))
                .hasMessageContaining("tool").hasMessageContaining("deepseek-v2");
        assertThatThrownBy(() -> ChatTemplate.named("deepseek-v3").render(List.of(new ChatTurn("critic", "x")), false))
                .hasMessageContaining("critic");
        assertThatThrownBy(() -> v2.render(List.of(new ChatTurn("user", null)), false))
                .hasMessageContaining("turn 0");
        assertThatThrownBy(() -> ChatTemplate.named("chatml")).hasMessageContaining("chatml");
        assertThat(ChatTemplate.named("deepseek-llm").name()).isEqualTo("deepseek-v2");
    }
}
