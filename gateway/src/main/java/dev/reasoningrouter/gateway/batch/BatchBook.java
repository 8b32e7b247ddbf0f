package dev.reasoningrouter.gateway.batch;

import dev.reasoningrouter.contracts.InferenceResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The batch state the gateway serves, held in memory and rebuilt from Kafka at start-up ({@code rr.files},
 * {@code rr.batches}, {@code rr.results}): files and their text, each batch's latest record and the results of its
 * requests. Fed by {@link BatchLog}'s follower and by the gateway's own writes; read by the HTTP handlers. Every
 * method is synchronized: the critical sections are map look-ups.
 */
public final class BatchBook {
    /** A batch, the ids of its requests and the results that came back for them. */
    private static final class Entry {
        StoredBatch batch;
        Set<String> requestIds;
        final Map<String, InferenceResult> results = new LinkedHashMap<>();

        Entry(StoredBatch batch) {
            this.batch = batch;
        }
    }

    /** How far a batch has got. */
    public record Progress(int completed, int failed, int answered) {}

    private final Map<String, StoredFile> files = new HashMap<>();
    private final Map<String, TreeMap<Integer, String>> parts = new HashMap<>();
    private final Map<String, Entry> batches = new LinkedHashMap<>();
    /** The custom ids of a batch's requests (its accepted lines), read from its input file when first needed. */
    private final Function<StoredBatch, Set<String>> requestIdsOf;

    public BatchBook(Function<StoredBatch, Set<String>> requestIdsOf) {
        this.requestIdsOf = requestIdsOf;
    }

    public synchronized void putFile(StoredFile file) {
        files.putIfAbsent(file.id(), file);
    }

    public synchronized void putChunk(FileChunk part) {
        parts.computeIfAbsent(part.fileId(), k -> new TreeMap<>()).put(part.index(), part.text());
    }

    public synchronized Optional<StoredFile> file(String id) {
        return Optional.ofNullable(files.get(id));
    }

    public synchronized List<StoredFile> files(String owner) {
        return files.values().stream().filter(f -> f.owner().equals(owner) && f.purpose().equals(StoredFile.PURPOSE_BATCH))
                .sorted(Comparator.comparingLong(StoredFile::createdAt).reversed()).toList();
    }

    /** A stored file's whole text, or empty when it or one of its parts is not (yet) known. */
    public synchronized Optional<String> text(String fileId) {
        StoredFile f = files.get(fileId);
        TreeMap<Integer, String> p = parts.getOrDefault(fileId, new TreeMap<>());
        if (f == null || p.size() != f.parts()) {
            return Optional.empty();
        }
        return Optional.of(String.join("", p.values()));
    }

    /** Applies a batch record unless a newer version of it is already here; true when applied. */
    public synchronized boolean putBatch(StoredBatch batch) {
        Entry e = batches.get(batch.id());
        if (e == null) {
            batches.put(batch.id(), new Entry(batch));
            return true;
        }
        if (batch.version() <= e.batch.version()) {
            return false;
        }
        e.batch = batch;
        return true;
    }

    /** Records a result for one of a known batch's requests; false when it belongs to no batch here. */
    public synchronized boolean putResult(InferenceResult result) {
        Entry e = result.batchId() == null ? null : batches.get(result.batchId());
        if (e == null || result.customId() == null || !requestIds(e).contains(result.customId())) {
            return false;
        }
        if (e.batch.finished() && !e.batch.status().equals(StoredBatch.COMPLETED)) {
            return false; // cancelled or expired: answers that come later are not the batch's any more
        }
        e.results.put(result.customId(), result);
        return true;
    }

    public synchronized Optional<StoredBatch> batch(String id) {
        Entry e = batches.get(id);
        return e == null ? Optional.empty() : Optional.of(e.batch);
    }

    /** The owner's batches, newest first. */
    public synchronized List<StoredBatch> batches(String owner) {
        List<StoredBatch> out = new ArrayList<>();
        for (Entry e : batches.values()) {
            if (e.batch.owner().equals(owner)) {
                out.add(e.batch);
            }
        }
        out.sort(Comparator.comparingLong(StoredBatch::createdAt).reversed().thenComparing(StoredBatch::id, Comparator.reverseOrder()));
        return out;
    }

    public synchronized List<StoredBatch> unfinished() {
        return batches.values().stream().map(e -> e.batch).filter(b -> !b.finished()).toList();
    }

    public synchronized List<StoredBatch> all() {
        return batches.values().stream().map(e -> e.batch).toList();
    }

    public synchronized Progress progress(String id) {
        Entry e = batches.get(id);
        if (e == null) {
            return new Progress(0, 0, 0);
        }
        int ok = 0;
        for (InferenceResult r : e.results.values()) {
            if (succeeded(r)) {
                ok++;
            }
        }
        int answered = e.results.size();
        return new Progress(ok, e.batch.invalid() + answered - ok, answered);
    }

    public synchronized Map<String, InferenceResult> results(String id) {
        Entry e = batches.get(id);
        return e == null ? Map.of() : new LinkedHashMap<>(e.results);
    }

    private Set<String> requestIds(Entry e) {
        if (e.requestIds == null) {
            e.requestIds = requestIdsOf.apply(e.batch);
        }
        return e.requestIds;
    }

    /** An answer with status 200 (a result without a status, from an older producer, counts when it has no error). */
    public static boolean succeeded(InferenceResult r) {
        return !r.isError() && (r.statusCode() == 200 || r.statusCode() == 0);
    }
}
