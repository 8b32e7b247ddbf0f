package dev.reasoningrouter.gateway.batch;

import dev.reasoningrouter.contracts.OpenAiException;
import dev.reasoningrouter.gateway.auth.Caller;
import dev.reasoningrouter.gateway.errors.RequestContentType;
import dev.reasoningrouter.gateway.upstream.UpstreamClient;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP face of {@link BatchService}, in OpenAI's shapes: {@code POST /v1/files} (multipart, purpose
 * {@code batch}), {@code GET /v1/files}, {@code GET /v1/files/{id}}, {@code GET /v1/files/{id}/content},
 * {@code POST /v1/batches}, {@code GET /v1/batches}, {@code GET /v1/batches/{id}}, {@code POST /v1/batches/{id}/cancel}.
 * Each key sees only its own files and batches. The Kafka work runs on the bounded-elastic scheduler, never on the
 * event loop.
 */
public final class BatchHandler {
    private final BatchService batches;
    private final JsonMapper json;

    public BatchHandler(BatchService batches, JsonMapper json) {
        this.batches = batches;
        this.json = json;
    }

    public RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route()
                .POST("/v1/files", this::upload)
                .GET("/v1/files", r -> ok(() -> list(batches.files(owner(r)), null)))
                .GET("/v1/files/{id}", r -> ok(() -> batches.fileObject(owner(r), r.pathVariable("id"))))
                .GET("/v1/files/{id}/content", this::content)
                .POST("/v1/batches", this::create)
                .GET("/v1/batches", this::listBatches)
                .GET("/v1/batches/{id}", r -> ok(() -> batch(batches.get(owner(r), r.pathVariable("id")))))
                .POST("/v1/batches/{id}/cancel", r -> ok(() -> batch(batches.cancel(owner(r), r.pathVariable("id")))))
                .build();
    }

    private Mono<ServerResponse> upload(ServerRequest request) {
        MediaType type = RequestContentType.of(request.headers().asHttpHeaders());
        if (type == null || !MediaType.MULTIPART_FORM_DATA.isCompatibleWith(type)) {
            return Mono.error(RequestContentType.unsupported("POST /v1/files takes multipart/form-data with 'purpose' and 'file'"));
        }
        String boundary = type.getParameter("boundary");
        if (boundary == null || boundary.isBlank()) {
            return Mono.error(OpenAiException.invalid(null, "the multipart/form-data Content-Type has no boundary parameter",
                    "invalid_request"));
        }
        return request.multipartData().onErrorMap(DecodingException.class, e -> OpenAiException.invalid(null,
                "the multipart body cannot be read: " + e.getMessage(), "invalid_request")).flatMap(form -> {
            Part purpose = form.getFirst("purpose");
            Part file = form.getFirst("file");
            if (!(purpose instanceof FormFieldPart p)) {
                return Mono.error(OpenAiException.invalid("purpose", "missing required field 'purpose'", "missing_required_parameter"));
            }
            if (file == null) {
                return Mono.error(OpenAiException.invalid("file", "missing required field 'file'", "missing_required_parameter"));
            }
            // a client may send the file without a filename, which makes it a plain form field: its content is the same
            String filename = file instanceof FilePart f ? f.filename() : "upload.jsonl";
            return DataBufferUtils.join(file.content()).map(UpstreamClient::bytes).defaultIfEmpty(new byte[0])
                    .flatMap(bytes -> ok(() -> {
                        StoredFile stored = batches.upload(owner(request), filename, p.value(), utf8(bytes), bytes.length);
                        return batches.fileObject(stored.owner(), stored.id());
                    }));
        });
    }

    private Mono<ServerResponse> content(ServerRequest request) {
        String owner = owner(request);
        String id = request.pathVariable("id");
        return Mono.fromCallable(() -> batches.fileContent(owner, id)).subscribeOn(Schedulers.boundedElastic())
                .flatMap(text -> ServerResponse.ok().contentType(MediaType.parseMediaType("application/jsonl"))
                        .bodyValue(text.getBytes(StandardCharsets.UTF_8)));
    }

    private Mono<ServerResponse> create(ServerRequest request) {
        String owner = owner(request);
        RequestContentType.requireJson(request.headers().asHttpHeaders(), "POST /v1/batches");
        return request.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).flatMap(bytes -> ok(() -> {
            JsonNode body;
            try {
                body = json.readTree(bytes.length == 0 ? "null" : utf8(bytes));
            } catch (JacksonException e) {
                throw OpenAiException.invalid(null, "the request body is not valid JSON: " + e.getOriginalMessage(), "invalid_json");
            }
            if (body == null || !body.isObject()) {
                throw OpenAiException.invalid(null, "the request body must be a JSON object with input_file_id, endpoint and "
                        + "completion_window", "invalid_request");
            }
            String input = text(body, "input_file_id", true);
            String endpoint = text(body, "endpoint", true);
            String window = text(body, "completion_window", true);
            Map<String, String> metadata = new LinkedHashMap<>();
            JsonNode m = body.get("metadata");
            if (m != null && !m.isNull()) {
                if (!m.isObject()) {
                    throw OpenAiException.invalid("metadata", "'metadata' must be an object of strings", "invalid_type");
                }
                for (var e : m.properties()) {
                    if (!e.getValue().isString()) {
                        throw OpenAiException.invalid("metadata." + e.getKey(), "metadata values must be strings", "invalid_type");
                    }
                    metadata.put(e.getKey(), e.getValue().asString());
                }
            }
            return batch(batches.create(owner, input, endpoint, window, metadata));
        }));
    }

    private Mono<ServerResponse> listBatches(ServerRequest request) {
        String owner = owner(request);
        int limit;
        try {
            limit = Integer.parseInt(request.queryParam("limit").orElse("20"));
        } catch (NumberFormatException e) {
            return Mono.error(OpenAiException.invalid("limit", "'limit' must be an integer from 1 to 100", "invalid_value"));
        }
        if (limit < 1 || limit > 100) {
            return Mono.error(OpenAiException.invalid("limit", "'limit' must be an integer from 1 to 100", "invalid_value"));
        }
        String after = request.queryParam("after").orElse(null);
        return ok(() -> {
            List<StoredBatch> all = batches.list(owner);
            int from = 0;
            if (after != null) {
                from = -1;
                for (int i = 0; i < all.size(); i++) {
                    if (all.get(i).id().equals(after)) {
                        from = i + 1;
                    }
                }
                if (from < 0) {
                    throw OpenAiException.invalid("after", "no batch with id '" + after + "'", "invalid_value");
                }
            }
            List<Map<String, Object>> page = new ArrayList<>();
            for (int i = from; i < all.size() && page.size() < limit; i++) {
                page.add(batch(all.get(i)));
            }
            return list(page, from + page.size() < all.size());
        });
    }

    /** A batch in OpenAI's shape. */
    Map<String, Object> batch(StoredBatch b) {
        BatchBook.Progress p = batches.progress(b);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.id());
        m.put("object", "batch");
        m.put("endpoint", b.endpoint());
        m.put("errors", null);
        m.put("input_file_id", b.inputFileId());
        m.put("completion_window", b.completionWindow());
        m.put("status", b.status());
        m.put("output_file_id", b.outputFileId());
        m.put("error_file_id", b.errorFileId());
        m.put("created_at", b.createdAt());
        m.put("in_progress_at", b.inProgressAt());
        m.put("expires_at", b.expiresAt());
        m.put("finalizing_at", b.finalizingAt());
        m.put("completed_at", b.completedAt());
        m.put("failed_at", b.failedAt());
        m.put("expired_at", b.expiredAt());
        m.put("cancelling_at", b.cancellingAt());
        m.put("cancelled_at", b.cancelledAt());
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("total", b.total());
        counts.put("completed", p.completed());
        counts.put("failed", p.failed());
        m.put("request_counts", counts);
        m.put("metadata", b.metadata());
        if (b.status().equals(StoredBatch.FAILED)) {
            m.put("errors", Map.of("object", "list", "data", List.of(Map.of("code", "no_valid_lines",
                    "message", "no line of the input file is a valid request; see the error file " + b.errorFileId()))));
        }
        return m;
    }

    private static Map<String, Object> list(List<Map<String, Object>> data, Boolean hasMore) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("object", "list");
        m.put("data", data);
        if (hasMore != null) {
            m.put("first_id", data.isEmpty() ? null : data.getFirst().get("id"));
            m.put("last_id", data.isEmpty() ? null : data.getLast().get("id"));
            m.put("has_more", hasMore);
        }
        return m;
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw OpenAiException.invalid(field, "missing required parameter '" + field + "'", "missing_required_parameter");
            }
            return null;
        }
        if (!n.isString()) {
            throw OpenAiException.invalid(field, "'" + field + "' must be a string", "invalid_type");
        }
        return n.asString();
    }

    private static String owner(ServerRequest request) {
        Caller caller = Caller.of(request.exchange());
        return caller == null ? Caller.ANONYMOUS_NAME : caller.name();
    }

    private static Mono<ServerResponse> ok(Callable<Object> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic())
                .flatMap(body -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body));
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw OpenAiException.invalid("file", "the file is not valid UTF-8 text", "invalid_encoding");
        }
    }
}
