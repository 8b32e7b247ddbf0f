package dev.reasoningrouter.pathserving.kafka;

import dev.reasoningrouter.engine.generate.CancellationToken;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of one assigned partition that are taken but not yet committed, in the order the consumer returned
 * them. Jobs finish out of order; only the completed records at the head (a contiguous prefix) may be committed,
 * together with their outputs, because committing an offset says that everything before it is done. A completed
 * record behind an unfinished one waits here until the gap fills.
 *
 * <p>Contiguity is by the order of records, not by offset arithmetic: a transactional topic has offsets with no record
 * (commit markers, aborted records), so the offset after the last record of the prefix is what is committed.
 *
 * <p>The worker's session thread adds, commits and drops; job threads only complete their own {@link Entry}.
 */
final class PartitionLedger {
    private final TopicPartition partition;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long lastOffset = -1;

    PartitionLedger(TopicPartition partition) {
        this.partition = partition;
    }

    TopicPartition partition() {
        return partition;
    }

    /**
     * Takes a consumed record; null for one at or before a record already taken (never expected: the consumer returns
     * each partition's records in order and the worker never seeks back).
     */
    Entry add(long offset) {
        if (offset <= lastOffset) {
            return null;
        }
        lastOffset = offset;
        Entry e = new Entry(offset);
        entries.addLast(e);
        return e;
    }

    /** The completed records at the head and the offset to commit after them, or null when the head is unfinished. */
    Prefix committable() {
        List<Entry> done = new ArrayList<>();
        for (Entry e : entries) {
            if (e.outputs() == null) {
                break;
            }
            done.add(e);
        }
        return done.isEmpty() ? null : new Prefix(partition, List.copyOf(done), done.getLast().offset() + 1);
    }

    /** Forgets a prefix once its transaction committed. */
    void committed(Prefix prefix) {
        for (int i = 0; i < prefix.entries().size(); i++) {
            Entry head = entries.pollFirst();
            if (head != prefix.entries().get(i)) {
                throw new IllegalStateException("ledger of " + partition + " changed under a commit");
            }
        }
    }

    /** Cancels every running job of this partition (revoked, or the worker stops); their outputs will not be committed. */
    void cancelAll() {
        for (Entry e : entries) {
            e.cancel.cancel();
        }
    }

    /** Records taken and not committed. */
    int size() {
        return entries.size();
    }

    /** Completed records waiting for their transaction (behind a gap, or until the next commit). */
    int completed() {
        int n = 0;
        for (Entry e : entries) {
            if (e.outputs() != null) {
                n++;
            }
        }
        return n;
    }

    /** One consumed record: its offset, the token that cancels its job, and its outputs once done. */
    static final class Entry {
        private final long offset;
        private final CancellationToken cancel = new CancellationToken();
        private volatile List<Output> outputs;

        private Entry(long offset) {
            this.offset = offset;
        }

        long offset() {
            return offset;
        }

        CancellationToken cancel() {
            return cancel;
        }

        /** The records this one produces (a result, an escalation, a dead letter, ...), or null while unfinished. */
        List<Output> outputs() {
            return outputs;
        }

        /** Called once, from the job's thread (or the session thread for a record refused at once). */
        void complete(List<Output> out) {
            this.outputs = List.copyOf(out);
        }
    }

    /**
     * A committable run of records.
     *
     * @param nextOffset the offset to commit: the consumer group resumes there
     */
    record Prefix(TopicPartition partition, List<Entry> entries, long nextOffset) {
        List<Output> outputs() {
            List<Output> all = new ArrayList<>();
            for (Entry e : entries) {
                all.addAll(e.outputs());
            }
            return all;
        }
    }
}
