package dev.reasoningrouter.gateway.batch;

/**
 * A batch input line that was refused when the batch was created: it goes to the batch's error file with its line
 * number (1-based) and never onto {@code rr.requests}.
 *
 * @param customId the line's {@code custom_id} when it had a usable one, else null
 */
public record LineError(int line, String customId, String code, String message) {}
