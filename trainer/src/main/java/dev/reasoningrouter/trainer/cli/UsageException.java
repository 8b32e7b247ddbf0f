package dev.reasoningrouter.trainer.cli;

/** Bad command-line usage: the message says what is wrong; exit code 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
