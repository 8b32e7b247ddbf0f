package dev.reasoningrouter.pathserving.core;

import dev.reasoningrouter.contracts.Escalation;
import dev.reasoningrouter.engine.generate.SamplingParams;
import dev.reasoningrouter.engine.tokenizer.ChatTurn;
import java.util.List;
import java.util.Objects;

/**
 * One chat completion to answer, as the entry points (HTTP, Kafka) hand it to a {@link CompletionPolicy}.
 *
 * @param id         the request's id (the response id over HTTP, the request id over Kafka)
 * @param messages   the conversation
 * @param sampling   temperature, top-p, seed, stops and the token limit of one reply
 * @param samples    self-consistency samples asked for (1 = one draft per round)
 * @param maxRounds  verification rounds asked for, or 0 for the path's default
 * @param escalation set when another path handed this job on, with its draft; else null
 * @param source     "http" or "kafka"
 * @param verify     false: the client asked for one draft without the critic (reasoning path)
 */
public record CompletionJob(String id, List<ChatTurn> messages, SamplingParams sampling, int samples, int maxRounds,
                            Escalation escalation, String source, boolean verify) {
    public CompletionJob {
        Objects.requireNonNull(id, "id");
        messages = List.copyOf(messages);
        Objects.requireNonNull(sampling, "sampling");
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1, got " + samples);
        }
        if (maxRounds < 0) {
            throw new IllegalArgumentException("maxRounds must be at least 0, got " + maxRounds);
        }
    }

    /** A job that takes the path's own verification setting. */
    public CompletionJob(String id, List<ChatTurn> messages, SamplingParams sampling, int samples, int maxRounds,
                         Escalation escalation, String source) {
        this(id, messages, sampling, samples, maxRounds, escalation, source, true);
    }

    /** The last user message: what a critic judges the answer against. */
    public String question() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role().equals("user")) {
                return messages.get(i).content();
            }
        }
        return "";
    }
}
