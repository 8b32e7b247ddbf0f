package dev.reasoningrouter.pathserving.core;

/**
 * The fast path's verdict on its own answer: whether the reasoning path should answer instead.
 *
 * @param suggested  true when the confidence is below the floor
 * @param confidence the answer's confidence, in [0, 1]
 * @param floor      the configured floor
 * @param reason     a readable reason
 */
public record EscalationAdvice(boolean suggested, double confidence, double floor, String reason) {}
