package dev.reasoningrouter.engine.cli;

/** A usage or input error: printed without a stack trace, exit code 2. */
final class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }
}
