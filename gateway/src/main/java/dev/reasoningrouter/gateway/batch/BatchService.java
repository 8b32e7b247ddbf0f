package dev.reasoningrouter.gateway.batch;

import dev.reasoningrouter.contracts.InferenceResult;
import dev.reasoningrouter.contracts.OpenAiException;
import dev.reasoningrouter.contracts.Topics;
import dev.reasoningrouter.contracts.WireCodec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * OpenAI's Batch API on the platform's Kafka pipeline: files are kept on {@code rr.files}, a batch's valid lines go
 * onto {@code rr.requests} (the classifier stage routes them, the path workers answer on {@code rr.results}), its
 * state on {@code rr.batches}. Progress is counted from the results as they arrive; a batch completes when every
 * request has one, expires when its window ends first. Blocking (Kafka): call it off the event loop.
 */
public final class BatchService {
    private static final Logger log = LoggerFactory.getLogger(BatchService.class);
    /** Characters of file text per {@link FileChunk}: at most 4 bytes each, well inside one record. */
    static final int PART_CHARS = 200_000;

    private final BatchProperties properties;
    private final BatchBook book;
    private final BatchLog kafkaLog;
    private final BatchLines lines;
    private final BatchOutput output;
    private final WireCodec codec = new WireCodec();
    private final Clock clock;

    public BatchService(BatchProperties properties, BatchBook book, BatchLog kafkaLog, BatchLines lines, JsonMapper json, Clock clock) {
        this.properties = properties;
        this.book = book;
        this.kafkaLog = kafkaLog;
        this.lines = lines;
        this.output = new BatchOutput(json);
        this.clock = clock;
    }

    /** The custom ids of a batch's accepted lines, from its input file (the book asks when it first needs them). */
    static Set<String> requestIds(BatchBook book, BatchLines lines, StoredBatch batch) {
        Set<String> ids = new HashSet<>();
        book.text(batch.inputFileId()).ifPresent(text -> lines.validate(text, batch.id(), batch.createdAt() * 1000)
                .accepted().forEach(a -> ids.add(a.customId())));
        return ids;
    }

    private void ready() {
        if (!kafkaLog.ready()) {
            throw new OpenAiException(503, "Batches are not available yet: " + kafkaLog.problem(), "server_error", null,
                    "batches_unavailable");
        }
    }

    // --- files ---------------------------------------------------------------------------------------------------

    public StoredFile upload(String owner, String filename, String purpose, String text, long bytes) {
        ready();
        if (!StoredFile.PURPOSE_BATCH.equals(purpose)) {
            throw OpenAiException.invalid("purpose", "'purpose' must be 'batch' (the only purpose this gateway stores files for), got '"
                    + purpose + "'", "invalid_value");
        }
        if (bytes > properties.maxFileBytes()) {
            throw new OpenAiException(413, "the file has " + bytes + " bytes; a batch file may have at most " + properties.maxFileBytes(),
                    "invalid_request_error", "file", "file_too_large");
        }
        if (bytes == 0) {
            throw OpenAiException.invalid("file", "the file is empty", "empty_file");
        }
        StoredFile file = store(owner, filename, purpose, text, bytes, "file-" + id());
        log.info("file {} uploaded by {}: {} bytes", file.id(), owner, bytes);
        return file;
    }

    private StoredFile store(String owner, String filename, String purpose, String text, long bytes, String id) {
        List<FileChunk> parts = chunks(id, text);
        StoredFile file = new StoredFile(id, owner, filename, purpose, bytes, clock.millis() / 1000, parts.size());
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        parts.forEach(p -> records.add(kafkaLog.record(Topics.FILES, p.key(), p)));
        records.add(kafkaLog.record(Topics.FILES, file.id(), file));
        kafkaLog.write(records);
        parts.forEach(book::putChunk);
        book.putFile(file);
        return file;
    }

    private static List<FileChunk> chunks(String id, String text) {
        List<FileChunk> parts = new ArrayList<>();
        int start = 0;
        do {
            int end = Math.min(text.length(), start + PART_CHARS);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--; // never split a surrogate pair
            }
            parts.add(new FileChunk(id, parts.size(), text.substring(start, end)));
            start = end;
        } while (start < text.length());
        return parts;
    }

    /** A file the owner may see: one it uploaded, or one of its batches' output and error files. */
    public Map<String, Object> fileObject(String owner, String id) {
        ready();
        return fileView(owner, id).object();
    }

    public String fileContent(String owner, String id) {
        ready();
        return fileView(owner, id).content().get();
    }

    public List<Map<String, Object>> files(String owner) {
        ready();
        return book.files(owner).stream().map(f -> fileObject(f, f.bytes())).toList();
    }

    private record FileView(Map<String, Object> object, java.util.function.Supplier<String> content) {}

    private FileView fileView(String owner, String id) {
        Optional<StoredFile> stored = book.file(id).filter(f -> f.owner().equals(owner) && f.purpose().equals(StoredFile.PURPOSE_BATCH));
        if (stored.isPresent()) {
            StoredFile f = stored.get();
            return new FileView(fileObject(f, f.bytes()), () -> book.text(id).orElseThrow(() -> notFound("file", id)));
        }
        for (StoredBatch b : book.batches(owner)) {
            boolean out = id.equals(b.outputFileId());
            if (out || id.equals(b.errorFileId())) {
                String content = out ? outputText(b) : errorText(b);
                long created = b.completedAt() != null ? b.completedAt() : b.finalizingAt() != null ? b.finalizingAt()
                        : b.cancelledAt() != null ? b.cancelledAt() : b.expiredAt() != null ? b.expiredAt() : b.createdAt();
                StoredFile f = new StoredFile(id, owner, b.id() + (out ? "_output.jsonl" : "_errors.jsonl"), "batch_output",
                        0, created, 0);
                return new FileView(fileObject(f, content.getBytes(java.nio.charset.StandardCharsets.UTF_8).length), () -> content);
            }
        }
        throw notFound("file", id);
    }

    private static Map<String, Object> fileObject(StoredFile f, long bytes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("object", "file");
        m.put("bytes", bytes);
        m.put("created_at", f.createdAt());
        m.put("filename", f.filename());
        m.put("purpose", f.purpose());
        m.put("status", "processed");
        return m;
    }

    // --- batches -------------------------------------------------------------------------------------------------

    public StoredBatch create(String owner, String inputFileId, String endpoint, String completionWindow, Map<String, String> metadata) {
        ready();
        if (!BatchLines.ENDPOINT.equals(endpoint)) {
            throw OpenAiException.invalid("endpoint", "'endpoint' must be '" + BatchLines.ENDPOINT + "', got '" + endpoint + "'",
                    "invalid_value");
        }
        String window = windowName();
        if (!window.equals(completionWindow)) {
            throw OpenAiException.invalid("completion_window", "'completion_window' must be '" + window + "', got '"
                    + completionWindow + "'", "invalid_value");
        }
        if (metadata != null && metadata.size() > 16) {
            throw OpenAiException.invalid("metadata", "'metadata' may have at most 16 keys", "invalid_value");
        }
        StoredFile input = book.file(inputFileId).filter(f -> f.owner().equals(owner) && f.purpose().equals(StoredFile.PURPOSE_BATCH))
                .orElseThrow(() -> new OpenAiException(404, "No file with id '" + inputFileId + "' (upload it with POST /v1/files, purpose batch)",
                        "invalid_request_error", "input_file_id", "not_found"));
        String text = book.text(input.id()).orElseThrow(() -> notFound("file", inputFileId));
        String id = "batch_" + id();
        long now = clock.millis();
        BatchLines.Validation v = lines.validate(text, id, now);
        if (v.total() > properties.maxLines()) {
            throw OpenAiException.invalid("input_file_id", "the input file has " + v.total() + " request lines; a batch may have at most "
                    + properties.maxLines(), "too_many_lines");
        }
        if (v.total() == 0) {
            throw OpenAiException.invalid("input_file_id", "the input file has no request lines", "empty_file");
        }
        long created = now / 1000;
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        String validationFileId = null;
        List<FileChunk> validationParts = List.of();
        StoredFile validationFile = null;
        if (!v.errors().isEmpty()) {
            validationFileId = "file-" + id + "-validation";
            StringBuilder b = new StringBuilder();
            v.errors().forEach(e -> b.append(codec.encode(e)).append('\n'));
            validationParts = chunks(validationFileId, b.toString());
            validationFile = new StoredFile(validationFileId, owner, id + "_validation.jsonl", StoredFile.PURPOSE_VALIDATION,
                    b.length(), created, validationParts.size());
            validationParts.forEach(p -> records.add(kafkaLog.record(Topics.FILES, p.key(), p)));
            records.add(kafkaLog.record(Topics.FILES, validationFileId, validationFile));
        }
        boolean anyValid = !v.accepted().isEmpty();
        StoredBatch batch = new StoredBatch(id, 1, owner, endpoint, inputFileId, window,
                anyValid ? StoredBatch.IN_PROGRESS : StoredBatch.FAILED, created, anyValid ? created : null, null, null,
                anyValid ? null : created, null, null, null, created + properties.completionWindow().toSeconds(), v.total(),
                v.errors().size(), validationFileId, null, anyValid ? null : "file-" + id + "-errors", 0, v.errors().size(),
                metadata == null ? Map.of() : Map.copyOf(metadata));
        for (BatchLines.Accepted a : v.accepted()) {
            records.add(kafkaLog.record(Topics.REQUESTS, a.request().requestId(), a.request()));
        }
        records.add(kafkaLog.record(Topics.BATCHES, batch.id(), batch));
        kafkaLog.write(records);
        validationParts.forEach(book::putChunk);
        if (validationFile != null) {
            book.putFile(validationFile);
        }
        book.putBatch(batch);
        log.info("batch {} created by {}: {} request(s) on {}, {} line(s) refused", id, owner, v.accepted().size(), Topics.REQUESTS,
                v.errors().size());
        return batch;
    }

    public StoredBatch get(String owner, String id) {
        ready();
        return owned(owner, id);
    }

    public List<StoredBatch> list(String owner) {
        ready();
        return book.batches(owner);
    }

    public StoredBatch cancel(String owner, String id) {
        ready();
        StoredBatch b = owned(owner, id);
        if (b.finished()) {
            if (b.status().equals(StoredBatch.CANCELLED)) {
                return b;
            }
            throw new OpenAiException(409, "Batch '" + id + "' is " + b.status() + " and cannot be cancelled", "invalid_request_error",
                    null, "batch_not_cancellable");
        }
        long now = clock.millis() / 1000;
        // requests already on rr.requests cannot be recalled: the batch stops waiting for them and keeps what came back
        StoredBatch cancelling = b.cancelling(now);
        BatchBook.Progress p = book.progress(id);
        StoredBatch cancelled = cancelling.finish(StoredBatch.CANCELLED, now, p.completed(), b.valid() - p.completed() + b.invalid());
        kafkaLog.write(List.of(kafkaLog.record(Topics.BATCHES, id, cancelling), kafkaLog.record(Topics.BATCHES, id, cancelled)));
        book.putBatch(cancelling);
        book.putBatch(cancelled);
        log.info("batch {} cancelled by {} with {} of {} request(s) answered", id, owner, p.answered(), b.valid());
        return cancelled;
    }

    /** The live counts of a batch (its record's while it is finished). */
    public BatchBook.Progress progress(StoredBatch b) {
        if (b.finished()) {
            return new BatchBook.Progress(b.completedCount(), b.failedCount(), b.completedCount() + b.failedCount() - b.invalid());
        }
        return book.progress(b.id());
    }

    /**
     * Moves a batch on when it is due: completed when every request has its result, expired when its window ended
     * first. Called for each result that comes in and by the periodic sweep.
     */
    public void advance(String id) {
        StoredBatch b = book.batch(id).orElse(null);
        if (b == null || b.finished() || !kafkaLog.ready()) {
            return;
        }
        BatchBook.Progress p = book.progress(id);
        long now = clock.millis() / 1000;
        StoredBatch next = null;
        if (p.answered() >= b.valid()) {
            next = b.finish(StoredBatch.COMPLETED, now, p.completed(), p.failed());
        } else if (now >= b.expiresAt()) {
            next = b.finish(StoredBatch.EXPIRED, now, p.completed(), b.valid() - p.completed() + b.invalid());
        }
        if (next != null) {
            try {
                kafkaLog.write(List.of(kafkaLog.record(Topics.BATCHES, id, next)));
                book.putBatch(next);
                log.info("batch {} {}: {} completed, {} failed", id, next.status(), next.completedCount(), next.failedCount());
            } catch (RuntimeException e) {
                log.warn("batch {}: could not record it as {} ({}); the next sweep tries again", id, next.status(), e.toString());
            }
        }
    }

    public void sweep() {
        book.unfinished().forEach(b -> advance(b.id()));
    }

    private String outputText(StoredBatch b) {
        return output.output(accepted(b), book.results(b.id()));
    }

    private String errorText(StoredBatch b) {
        List<LineError> refused = new ArrayList<>();
        if (b.validationFileId() != null) {
            for (String line : book.text(b.validationFileId()).orElse("").split("\n")) {
                if (!line.isBlank()) {
                    refused.add(codec.decode(line, LineError.class));
                }
            }
        }
        return output.errors(b, refused, accepted(b), book.results(b.id()));
    }

    private List<BatchLines.Accepted> accepted(StoredBatch b) {
        return book.text(b.inputFileId()).map(t -> lines.validate(t, b.id(), b.createdAt() * 1000).accepted()).orElse(List.of());
    }

    private StoredBatch owned(String owner, String id) {
        return book.batch(id).filter(b -> b.owner().equals(owner)).orElseThrow(() -> notFound("batch", id));
    }

    private String windowName() {
        long hours = properties.completionWindow().toHours();
        return hours * 3600 == properties.completionWindow().toSeconds() ? hours + "h" : properties.completionWindow().toSeconds() + "s";
    }

    private static OpenAiException notFound(String what, String id) {
        return new OpenAiException(404, "No " + what + " with id '" + id + "'", "invalid_request_error", null, "not_found");
    }

    /** A new id: the time in milliseconds then randomness, so that ids sort in the order they were made. */
    private String id() {
        return String.format("%012x", clock.millis()) + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** For the metrics: every batch's record. */
    List<StoredBatch> all() {
        return book.all();
    }

    Map<String, InferenceResult> results(String id) {
        return book.results(id);
    }
}
