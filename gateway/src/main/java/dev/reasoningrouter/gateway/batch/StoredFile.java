package dev.reasoningrouter.gateway.batch;

/**
 * An uploaded file's metadata on {@code rr.files} (key: its id); its text follows in {@link FileChunk}s. Files are
 * immutable: written once, in one transaction with their parts.
 *
 * @param owner   the API key name that uploaded it (only that key sees it)
 * @param purpose {@code batch}, or {@code batch_validation} for the gateway's own record of a batch's bad lines
 * @param parts   how many {@link FileChunk}s hold its text
 */
public record StoredFile(String id, String owner, String filename, String purpose, long bytes, long createdAt, int parts) {
    public static final String PURPOSE_BATCH = "batch";
    public static final String PURPOSE_VALIDATION = "batch_validation";
}
