package dev.reasoningrouter.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.errors.UnexpectedStatusCodeException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import dev.reasoningrouter.gateway.stack.StackTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gateway driven by the official OpenAI Java SDK as a real client, in front of the real classifier and path
 * services: chat (JSON and streamed), models, and the errors a client meets (401, 400, 404, 413, 429, and a path's own
 * 400 passed through unchanged).
 */
class OpenAiSdkTest extends StackTestBase {
    static final String HARD = "Prove that there are infinitely many primes.";
    static final String ROUTINE = "What is the capital of France?";

    private static ChatCompletionCreateParams.Builder chat(String model, String prompt) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(prompt).maxTokens(6).seed(7);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> rr(ChatCompletion c) {
        return c._additionalProperties().get("rr").convert(Map.class);
    }

    private static String header(HttpResponseFor<?> r, String name) {
        List<String> v = r.headers().values(name);
        return v.isEmpty() ? null : v.getFirst();
    }

    @Test
    void autoSendsAHardQueryToTheReasoningPathAndSaysWhatHappened() {
        HttpResponseFor<ChatCompletion> raw = client(KEY).chat().completions().withRawResponse().create(chat("auto", HARD).build());
        ChatCompletion c = raw.parse();
        assertThat(header(raw, "X-RR-Route")).isEqualTo("reasoning");
        assertThat(header(raw, "X-RR-Route-Source")).isEqualTo("classifier");
        assertThat(header(raw, "X-RR-Degraded")).isEqualTo("false");
        assertThat(header(raw, "X-RR-Requested-Model")).isEqualTo("auto");
        assertThat(Double.parseDouble(header(raw, "X-RR-Complexity-Score"))).isBetween(0.0, 1.0);
        assertThat(header(raw, "X-Request-Id")).startsWith("req-");
        Map<String, Object> rr = rr(c);
        assertThat(rr).containsEntry("route", "reasoning").containsEntry("route_source", "classifier")
                .containsEntry("requested_model", "auto").containsEntry("degraded", false).containsEntry("upstream", "reasoning-path")
                .containsEntry("path", "reasoning").containsKeys("score", "threshold", "experts_per_token", "verification");
        assertThat((Double) rr.get("score")).isGreaterThanOrEqualTo((Double) rr.get("threshold"));
        assertThat(c.choices()).hasSize(1);
        assertThat(c.usage()).isPresent();
    }

    @Test
    void autoSendsARoutineQueryToTheFastPathAndEscalatesAnAnswerTheFastPathDoesNotTrust() {
        // the random-weight test model is never confident, so the fast path always suggests escalation
        HttpResponseFor<ChatCompletion> escalated = client(KEY).chat().completions().withRawResponse().create(chat("auto", ROUTINE).build());
        Map<String, Object> rr = rr(escalated.parse());
        assertThat(rr).containsEntry("planned_route", "fast").containsEntry("route_source", "classifier")
                .containsEntry("route", "reasoning").containsEntry("escalated", true).containsEntry("path", "reasoning");
        assertThat(((Map<?, ?>) rr.get("escalation")).get("from")).isEqualTo("fast");
        assertThat(((Map<?, ?>) rr.get("escalation")).get("reason").toString()).contains("confidence");
        assertThat(header(escalated, "X-RR-Escalated")).isEqualTo("true");

        // the client may turn escalation off: the fast answer stands, with the fast path's own figures
        HttpResponseFor<ChatCompletion> fast = client(KEY).chat().completions().withRawResponse().create(chat("auto", ROUTINE)
                .putAdditionalBodyProperty("rr", JsonValue.from(Map.of("escalate", false))).build());
        Map<String, Object> f = rr(fast.parse());
        assertThat(header(fast, "X-RR-Route")).isEqualTo("fast");
        assertThat(f).containsEntry("route", "fast").containsEntry("escalated", false).containsEntry("path", "fast");
        assertThat(((Number) f.get("experts_per_token")).intValue()).isLessThan(((Number) f.get("trained_top_k")).intValue());
        assertThat(((Map<?, ?>) f.get("escalate")).get("suggested")).isEqualTo(true);
    }

    @Test
    void aRequestThresholdMovesTheRoute() {
        // threshold 0: every score is at or above it, so even a routine query goes to reasoning
        ChatCompletion c = client(KEY).chat().completions().create(chat("auto", ROUTINE)
                .putAdditionalBodyProperty("rr", JsonValue.from(Map.of("threshold", 0.0))).build());
        assertThat(rr(c)).containsEntry("route", "reasoning").containsEntry("threshold", 0.0).containsEntry("escalated", false);
    }

    @Test
    void fastAndReasoningForceTheRoute() {
        ChatCompletion fast = client(KEY).chat().completions().create(chat("fast", HARD).build());
        assertThat(rr(fast)).containsEntry("route", "fast").containsEntry("route_source", "forced").containsEntry("escalated", false)
                .doesNotContainKey("score");
        ChatCompletion reasoning = client(KEY).chat().completions().create(chat("reasoning", ROUTINE).build());
        assertThat(rr(reasoning)).containsEntry("route", "reasoning").containsEntry("route_source", "forced");
        assertThat(((Number) rr(fast).get("experts_per_token")).intValue())
                .isLessThan(((Number) rr(reasoning).get("experts_per_token")).intValue());
    }

    @Test
    void streamingRelaysEveryChunkWithTheRoutingAndEndsWithUsage() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client(KEY).chat().completions().createStreaming(chat("auto", HARD)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunks::add);
        }
        assertThat(chunks).hasSizeGreaterThan(2);
        for (ChatCompletionChunk chunk : chunks) {
            @SuppressWarnings("unchecked")
            Map<String, Object> rr = chunk._additionalProperties().get("rr").convert(Map.class);
            assertThat(rr).containsEntry("route", "reasoning").containsEntry("route_source", "classifier").containsEntry("degraded", false);
        }
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.usage()).isPresent();
        assertThat(last.usage().get().completionTokens()).isPositive();
        assertThat(chunks.stream().anyMatch(ch -> ch.choices().stream().anyMatch(choice -> choice.finishReason().isPresent()))).isTrue();
    }

    @Test
    void modelsListAutoTheRoutesAndTheUpstreamsWithWhatEachMeans() {
        List<Model> models = new ArrayList<>();
        client(KEY).models().list().autoPager().forEach(models::add);
        assertThat(models.stream().map(Model::id)).containsExactly("auto", "fast", "reasoning", "fast-path", "reasoning-path");
        for (Model m : models) {
            assertThat(m._additionalProperties().get("description").asString()).isPresent();
        }
    }

    @Test
    void withoutAValidKeyTheAnswerIs401InOpenAiShape() {
        UnauthorizedException wrong = catchThrowableOfType(UnauthorizedException.class,
                () -> client("sk-not-a-key-0000000000").chat().completions().create(chat("fast", ROUTINE).build()));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.code()).contains("invalid_api_key");
        assertThat(wrong.type()).contains("invalid_request_error");
        assertThatThrownBy(() -> client("sk-not-a-key-0000000000").models().list()).isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void badRequestsAre400AndUnknownModels404() {
        BadRequestException noMessages = catchThrowableOfType(BadRequestException.class, () -> client(KEY).chat().completions()
                .create(ChatCompletionCreateParams.builder().model("auto").messages(List.of()).build()));
        assertThat(noMessages.param()).contains("messages");
        BadRequestException threshold = catchThrowableOfType(BadRequestException.class, () -> client(KEY).chat().completions()
                .create(chat("auto", ROUTINE).putAdditionalBodyProperty("rr", JsonValue.from(Map.of("threshold", 2))).build()));
        assertThat(threshold.param()).contains("rr.threshold");
        NotFoundException model = catchThrowableOfType(NotFoundException.class,
                () -> client(KEY).chat().completions().create(chat("gpt-4o", ROUTINE).build()));
        assertThat(model.code()).contains("model_not_found");
        // a path's own 400 reaches the client unchanged
        BadRequestException tooMany = catchThrowableOfType(BadRequestException.class, () -> client(KEY).chat().completions()
                .create(chat("fast", ROUTINE).maxTokens(1_000_000).build()));
        assertThat(tooMany.param()).contains("max_tokens");
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String huge = "word ".repeat(20_000); // 100 kB, over the test's 64 KiB limit
        UnexpectedStatusCodeException e = catchThrowableOfType(UnexpectedStatusCodeException.class,
                () -> client(KEY).chat().completions().create(chat("fast", huge).build()));
        assertThat(e.statusCode()).isEqualTo(413);
        assertThat(e.code()).contains("request_too_large");
    }

    @Test
    void overAKeysRequestsPerMinuteTheAnswerIs429WithRetryAfter() {
        OpenAIClient tight = client(TIGHT_KEY);
        tight.models().list();
        tight.models().list();
        RateLimitException e = catchThrowableOfType(RateLimitException.class, tight.models()::list);
        assertThat(e.statusCode()).isEqualTo(429);
        assertThat(e.code()).contains("rate_limit_exceeded");
        assertThat(Integer.parseInt(e.headers().values("Retry-After").getFirst())).isBetween(1, 60);
        // another key is not affected
        assertThat(client(KEY).models().list().data()).isNotEmpty();
    }

    @Test
    void overAKeysTokensPerMinuteTheAnswerIs429() {
        OpenAIClient tokens = client(TOKENS_KEY);
        // a bucket that is not empty lets a request in; this one's prompt alone uses more than the key's 50 a minute
        tokens.chat().completions().create(chat("fast", "word ".repeat(80) + ROUTINE).build());
        OpenAIServiceException e = catchThrowableOfType(RateLimitException.class,
                () -> tokens.chat().completions().create(chat("fast", ROUTINE).build()));
        assertThat(e.body().toString()).contains("tokens per minute");
        assertThat(e.headers().values("Retry-After")).isNotEmpty();
    }
}
