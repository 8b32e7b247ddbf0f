package dev.reasoningrouter.gateway.batch;

/** One piece of a stored file's text on {@code rr.files} (key {@code fileId/index}), small enough for one record. */
public record FileChunk(String fileId, int index, String text) {

    public String key() {
        return fileId + "/" + index;
    }
}
