package dev.brink.infra.sqlite;

/**
 * Names and limits of one {@link GroupCommitWriter}.
 *
 * @param name          thread name prefix ({@code name-writer}, {@code name-ack})
 * @param maxGroup      the most tasks in one transaction (one sync)
 * @param closedMessage message of the ServiceUnavailable error a write after close fails with
 * @param failurePrefix prefix of the ServerError message every task of a group that failed to commit gets
 */
public record WriterOptions(String name, int maxGroup, String closedMessage, String failurePrefix) {
    public WriterOptions {
        if (maxGroup < 1) {
            throw new IllegalArgumentException("maxGroup must be positive");
        }
    }
}
