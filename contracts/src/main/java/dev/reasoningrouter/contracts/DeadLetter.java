package dev.reasoningrouter.contracts;

/**
 * A record a stage could not process, on {@code rr.dlq}: where it came from, why, and the original
 * payload untouched so that nothing is lost.
 */
public record DeadLetter(
        String stage,
        String sourceTopic,
        int partition,
        long offset,
        String key,
        String reason,
        String payload,
        long atMs) {}
