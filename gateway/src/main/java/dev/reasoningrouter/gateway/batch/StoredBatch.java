package dev.reasoningrouter.gateway.batch;

import java.util.Map;

/**
 * A batch's state on {@code rr.batches} (compacted, key: its id): written when it is created and at every change of
 * status. Its progress is not written here: it is counted from {@code rr.results}, so it survives a restart without
 * a write per answer. {@code version} grows with every write, so a stale record read back never undoes a newer one.
 *
 * @param owner            the API key name that created it
 * @param total            input lines (requests), valid or not
 * @param invalid          lines refused at creation (in the validation file)
 * @param validationFileId the gateway's file of refused lines, or null when every line was valid
 * @param completedCount   requests answered with status 200, as of this record (the live count comes from results)
 * @param failedCount      refused lines plus requests answered with an error, as of this record
 */
public record StoredBatch(String id, long version, String owner, String endpoint, String inputFileId, String completionWindow,
                          String status, long createdAt, Long inProgressAt, Long finalizingAt, Long completedAt, Long failedAt,
                          Long expiredAt, Long cancellingAt, Long cancelledAt, long expiresAt, int total, int invalid,
                          String validationFileId, String outputFileId, String errorFileId, int completedCount, int failedCount,
                          Map<String, String> metadata) {

    public static final String VALIDATING = "validating";
    public static final String FAILED = "failed";
    public static final String IN_PROGRESS = "in_progress";
    public static final String FINALIZING = "finalizing";
    public static final String COMPLETED = "completed";
    public static final String EXPIRED = "expired";
    public static final String CANCELLING = "cancelling";
    public static final String CANCELLED = "cancelled";

    /** Requests that went onto {@code rr.requests}. */
    public int valid() {
        return total - invalid;
    }

    /** True when nothing more will change (completed, failed, expired or cancelled). */
    public boolean finished() {
        return status.equals(COMPLETED) || status.equals(FAILED) || status.equals(EXPIRED) || status.equals(CANCELLED);
    }

    /** The batch after a final transition, with the counts and the output and error files it ends with. */
    public StoredBatch finish(String newStatus, long at, int completed, int failed) {
        String outputFile = newStatus.equals(FAILED) ? null : "file-" + id + "-output";
        String errorFile = failed > 0 ? "file-" + id + "-errors" : null;
        boolean done = newStatus.equals(COMPLETED);
        return new StoredBatch(id, version + 1, owner, endpoint, inputFileId, completionWindow, newStatus, createdAt, inProgressAt,
                done ? Long.valueOf(at) : finalizingAt, done ? Long.valueOf(at) : completedAt, when(newStatus, FAILED, at, failedAt),
                when(newStatus, EXPIRED, at, expiredAt), cancellingAt, when(newStatus, CANCELLED, at, cancelledAt), expiresAt, total,
                invalid, validationFileId, outputFile, errorFile, completed, failed, metadata);
    }

    private static Long when(String newStatus, String status, long at, Long before) {
        return newStatus.equals(status) ? Long.valueOf(at) : before;
    }

    /** The batch once a cancel was asked for. */
    public StoredBatch cancelling(long at) {
        return new StoredBatch(id, version + 1, owner, endpoint, inputFileId, completionWindow, CANCELLING, createdAt, inProgressAt,
                finalizingAt, completedAt, failedAt, expiredAt, at, cancelledAt, expiresAt, total, invalid, validationFileId,
                outputFileId, errorFileId, completedCount, failedCount, metadata);
    }
}
