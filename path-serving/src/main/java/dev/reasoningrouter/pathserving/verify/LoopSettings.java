package dev.reasoningrouter.pathserving.verify;

import java.time.Duration;

/**
 * The verification loop's bounds.
 *
 * @param maxRounds       the most drafts (rounds) per answer
 * @param acceptThreshold a draft scored at or above it is accepted and ends the loop
 * @param maxTokens       tokens (drafts and critiques together) after which no new round starts
 * @param maxTime         time after which no new round starts and a draft in progress is cut short
 * @param samples         drafts per round for self-consistency (1 = off); the round's answer is their majority vote
 */
public record LoopSettings(int maxRounds, double acceptThreshold, int maxTokens, Duration maxTime, int samples) {
    public LoopSettings {
        if (maxRounds < 1) {
            throw new IllegalArgumentException("max rounds must be at least 1, got " + maxRounds);
        }
        if (!(acceptThreshold >= 0 && acceptThreshold <= 1)) {
            throw new IllegalArgumentException("the accept threshold must be in [0, 1], got " + acceptThreshold);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("the token budget must be positive, got " + maxTokens);
        }
        if (maxTime == null || maxTime.isNegative() || maxTime.isZero()) {
            throw new IllegalArgumentException("the time budget must be positive, got " + maxTime);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1, got " + samples);
        }
    }

    public LoopSettings withRounds(int rounds) {
        return new LoopSettings(rounds, acceptThreshold, maxTokens, maxTime, samples);
    }

    public LoopSettings withSamples(int n) {
        return new LoopSettings(maxRounds, acceptThreshold, maxTokens, maxTime, n);
    }
}
