package dev.brink.infra.sqlite;

/**
 * Names and limits of one {@link GroupCommitWriter}.
 *
 * @param name          thread name prefix ({@code name-writer}, {@code name-ack})
 * @param maxGroup      the most tasks in one transaction (one sync)
 * @param closedMessage message of the ServiceUnavailable error a write after close fails with
 * @param failurePrefix prefix of the ServerError message every task of a group that failed to commit gets
 * @param isolateTasks  true: each task runs in its own SAVEPOINT, so a failing task rolls back alone; false: no
 *                      savepoints (two statements less per task, for append-only writers whose tasks fail only
 *                      when the database does) — a failing task then rolls back its whole group
 */
public record WriterOptions(String name, int maxGroup, String closedMessage, String failurePrefix,
        boolean isolateTasks) {
    public WriterOptions {
        if (maxGroup < 1) {
            throw new IllegalArgumentException("maxGroup must be positive");
        }
    }

    /** Options with isolated tasks (each in its own savepoint). */
    public WriterOptions(String name, int maxGroup, String closedMessage, String failurePrefix) {
        this(name, maxGroup, closedMessage, failurePrefix, true);
    }
}
