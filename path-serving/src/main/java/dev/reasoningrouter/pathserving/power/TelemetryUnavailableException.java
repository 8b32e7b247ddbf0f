package dev.reasoningrouter.pathserving.power;

/** This machine does not report what was asked for; the message says why. */
public final class TelemetryUnavailableException extends Exception {
    public TelemetryUnavailableException(String message) {
        super(message, null, false, false);
    }
}
