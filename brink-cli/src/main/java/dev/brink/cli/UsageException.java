package dev.brink.cli;

/** A problem with what the user asked for, found while running a command; exits with code 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
