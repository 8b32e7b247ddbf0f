package dev.reasoningrouter.gateway.batch;

import dev.reasoningrouter.contracts.InferenceResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A batch's output and error files, in OpenAI's format, joined with the input by {@code custom_id} and in input
 * order. The output file holds the requests answered with status 200; the error file the refused lines (with their
 * line numbers), the requests answered with an error, and, for a cancelled or expired batch, the requests that had
 * no answer by then.
 */
final class BatchOutput {
    private final JsonMapper json;

    BatchOutput(JsonMapper json) {
        this.json = json;
    }

    String output(List<BatchLines.Accepted> accepted, Map<String, InferenceResult> results) {
        StringBuilder out = new StringBuilder();
        for (BatchLines.Accepted a : accepted) {
            InferenceResult r = results.get(a.customId());
            if (r != null && BatchBook.succeeded(r)) {
                out.append(line(a, r, null)).append('\n');
            }
        }
        return out.toString();
    }

    String errors(StoredBatch batch, List<LineError> refused, List<BatchLines.Accepted> accepted, Map<String, InferenceResult> results) {
        List<Object[]> lines = new ArrayList<>(); // {line number, json}
        for (LineError e : refused) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", e.code());
            error.put("message", e.message());
            error.put("line", e.line());
            lines.add(new Object[] {e.line(), entry(null, e.customId(), null, error)});
        }
        for (BatchLines.Accepted a : accepted) {
            InferenceResult r = results.get(a.customId());
            if (r != null && !BatchBook.succeeded(r)) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("code", r.errorCode());
                error.put("message", r.error() != null ? r.error() : "the request was answered with HTTP " + r.statusCode());
                lines.add(new Object[] {a.line(), line(a, r, error)});
            } else if (r == null && (batch.status().equals(StoredBatch.CANCELLED) || batch.status().equals(StoredBatch.EXPIRED))) {
                boolean cancelled = batch.status().equals(StoredBatch.CANCELLED);
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("code", cancelled ? "batch_cancelled" : "batch_expired");
                error.put("message", cancelled ? "the batch was cancelled before this request was answered"
                        : "the batch's completion window ended before this request was answered");
                lines.add(new Object[] {a.line(), entry(a.request().requestId(), a.customId(), null, error)});
            }
        }
        lines.sort((x, y) -> Integer.compare((int) x[0], (int) y[0]));
        StringBuilder out = new StringBuilder();
        for (Object[] l : lines) {
            out.append((String) l[1]).append('\n');
        }
        return out.toString();
    }

    private String line(BatchLines.Accepted a, InferenceResult r, Map<String, Object> error) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("status_code", r.statusCode() == 0 ? (r.isError() ? 500 : 200) : r.statusCode());
        response.put("request_id", r.requestId());
        response.put("body", r.body() != null ? r.body() : body(r));
        return entry(a.request().requestId(), a.customId(), response, error);
    }

    private String entry(String id, String customId, Map<String, Object> response, Map<String, Object> error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("custom_id", customId);
        m.put("response", response);
        m.put("error", error);
        return json.writeValueAsString(m);
    }

    /** A body for a result from a producer that sent none: the chat completion (or error) rebuilt from its fields. */
    private static Map<String, Object> body(InferenceResult r) {
        if (r.isError()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("message", r.error());
            e.put("type", "server_error");
            e.put("param", null);
            e.put("code", r.errorCode());
            return Map.of("error", e);
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", r.content());
        if (r.reasoningContent() != null) {
            message.put("reasoning_content", r.reasoningContent());
        }
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("message", message);
        choice.put("finish_reason", r.finishReason());
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("prompt_tokens", r.promptTokens());
        usage.put("completion_tokens", r.completionTokens());
        usage.put("total_tokens", r.promptTokens() + r.completionTokens());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", r.requestId());
        body.put("object", "chat.completion");
        body.put("created", r.completedAtMs() / 1000);
        body.put("model", r.model());
        body.put("choices", List.of(choice));
        body.put("usage", usage);
        body.put("rr", Map.of("path", String.valueOf(r.path())));
        return body;
    }
}
