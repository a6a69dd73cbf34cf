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
 * @param completeOnWriter false: futures complete on the writer's "ack" thread, so callbacks never delay the next
 *                      group; true: on the writer thread right after the commit, one thread hand-off less per group
 *                      (lower latency) — only for writers whose callbacks are a few non-blocking steps (e.g. handing
 *                      an acknowledgement to an event loop) and never wait for another write of this writer
 * @param lingerMicros  a group starts when its first task has been queued this long (0: at once) and takes the
 *                      tasks queued at least 3/4 of it; younger ones wait for the next group. Time for every task to become
 *                      unnecessary before it runs (the edge hub's store: an entry acknowledged before its write is
 *                      never written), and bigger groups, at the price of up to that much latency per write
 */
public record WriterOptions(String name, int maxGroup, String closedMessage, String failurePrefix,
        boolean isolateTasks, boolean completeOnWriter, int lingerMicros) {
    public WriterOptions {
        if (maxGroup < 1) {
            throw new IllegalArgumentException("maxGroup must be positive");
        }
        if (lingerMicros < 0) {
            throw new IllegalArgumentException("lingerMicros must not be negative");
        }
    }

    /** Options with isolated tasks (each in its own savepoint), completed on the ack thread. */
    public WriterOptions(String name, int maxGroup, String closedMessage, String failurePrefix) {
        this(name, maxGroup, closedMessage, failurePrefix, true, false, 0);
    }

    /** Options whose futures complete on the ack thread. */
    public WriterOptions(String name, int maxGroup, String closedMessage, String failurePrefix,
            boolean isolateTasks) {
        this(name, maxGroup, closedMessage, failurePrefix, isolateTasks, false, 0);
    }

    /** These options, with futures completed on the writer thread (see {@code completeOnWriter}). */
    public WriterOptions completingOnWriter() {
        return new WriterOptions(name, maxGroup, closedMessage, failurePrefix, isolateTasks, true, lingerMicros);
    }

    /** These options, running no task before it is about {@code micros} old (see {@code lingerMicros}). */
    public WriterOptions lingering(int micros) {
        return new WriterOptions(name, maxGroup, closedMessage, failurePrefix, isolateTasks, completeOnWriter, micros);
    }
}
