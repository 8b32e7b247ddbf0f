package dev.reasoningrouter.contracts;

/**
 * Why a path handed a job on to the reasoning path instead of answering it.
 *
 * @param fromPath   the path that escalated ("fast")
 * @param draft      its answer, which it did not trust
 * @param confidence its confidence in the draft, in [0, 1]
 * @param floor      the confidence below which it escalates
 * @param reason     a readable reason
 */
public record Escalation(String fromPath, String draft, double confidence, double floor, String reason, long atMs) {}
