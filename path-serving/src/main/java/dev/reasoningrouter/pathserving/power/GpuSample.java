package dev.reasoningrouter.pathserving.power;

/**
 * One reading of the GPUs, all cards together: power drawn and the limit (summed), the hottest card's temperature.
 *
 * @param atNanos when it was read ({@link System#nanoTime()})
 */
public record GpuSample(double powerWatts, double powerLimitWatts, double temperatureC, int gpus, long atNanos) {}
