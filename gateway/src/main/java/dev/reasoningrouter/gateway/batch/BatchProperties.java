package dev.reasoningrouter.gateway.batch;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code rr.batch.*}: OpenAI's Batch API over Kafka.
 *
 * @param maxFileBytes     largest uploaded file ({@code RR_BATCH_MAX_FILE_BYTES}); 413 above it
 * @param maxLines         most request lines in one batch ({@code RR_BATCH_MAX_LINES}); a larger file is refused
 * @param completionWindow the only completion window offered (OpenAI's {@code 24h}); a batch not done by then expires
 * @param loadTimeout      how long start-up waits for the batch state to be read back from Kafka before the batch
 *                         endpoints answer 503 (the rest of the API does not wait)
 * @param sweepInterval    how often unfinished batches are checked for completion and expiry
 */
@ConfigurationProperties("rr.batch")
public record BatchProperties(long maxFileBytes, int maxLines, Duration completionWindow, Duration loadTimeout, Duration sweepInterval) {
    public BatchProperties {
        if (maxFileBytes < 1024) {
            throw new IllegalArgumentException("rr.batch.max-file-bytes must be >= 1024, got " + maxFileBytes);
        }
        if (maxLines < 1) {
            throw new IllegalArgumentException("rr.batch.max-lines must be >= 1, got " + maxLines);
        }
        if (completionWindow == null || completionWindow.isNegative() || completionWindow.isZero()) {
            throw new IllegalArgumentException("rr.batch.completion-window must be positive");
        }
    }
}
