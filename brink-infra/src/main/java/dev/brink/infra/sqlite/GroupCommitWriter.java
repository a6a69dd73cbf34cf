package dev.brink.infra.sqlite;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of one SQLite file. It takes whatever is queued (up to {@link WriterOptions#maxGroup()}
 * tasks), runs each task in its own SAVEPOINT inside one transaction, commits once (one sync for the whole
 * group) and only then completes the futures, in submission order. A task that throws is rolled back to its
 * savepoint and fails alone with its own exception; a failed COMMIT fails the whole group. Futures are
 * completed on a separate "ack" thread so that callbacks never delay the next group, or, with
 * {@link WriterOptions#completeOnWriter()}, on the writer thread itself (one hand-off less); either way callbacks
 * must not block. See README.md.
 *
 * @param <V> the transaction type the tasks run against (the caller's repositories bound to the writer's session)
 */
public final class GroupCommitWriter<V> {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    /** A group taking longer than this is logged (with where the time went). */
    private static final long SLOW_GROUP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final SqlSession session;
    private final V transaction;
    private final GroupListener listener;
    private final WriterOptions options;
    private final Pending<V, ?> stop = new Pending<>(tx -> null, null);
    private final BlockingQueue<Pending<V, ?>> queue = new LinkedBlockingQueue<>();
    // Writers take the read lock to enqueue, close() the write lock: nothing can be queued behind the stop mark.
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final ExecutorService acks; // null: futures complete on the writer thread
    private final Thread thread;
    private boolean closed;

    public GroupCommitWriter(SqlSession session, V transaction, WriterOptions options) {
        this(session, transaction, options, GroupListener.NONE);
    }

    /** Starts the writer thread on {@code session}; the writer owns the session from now on. */
    public GroupCommitWriter(SqlSession session, V transaction, WriterOptions options, GroupListener listener) {
        this.session = session;
        this.transaction = transaction;
        this.options = options;
        this.listener = listener;
        this.acks = options.completeOnWriter() ? null
                : Executors.newSingleThreadExecutor(r -> Threads.daemon(r, options.name() + "-ack"));
        this.thread = Threads.daemon(this::loop, options.name() + "-writer");
        thread.start();
    }

    /**
     * Queues a task; it runs on the writer thread. The future completes once the task's group is durable,
     * or fails with the task's own exception, with ServiceUnavailable after {@link #close()}, or with
     * ServerError when its group could not commit.
     *
     * @throws IllegalStateException when called from inside a task (waiting would deadlock the writer)
     */
    public <T> CompletableFuture<T> submit(Function<? super V, ? extends T> task) {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("write called from inside a write task; use the task's transaction");
        }
        CompletableFuture<T> future = new CompletableFuture<>();
        gate.readLock().lock();
        try {
            if (closed) {
                future.completeExceptionally(new BrinkException(ErrorCode.ServiceUnavailable, options.closedMessage()));
            } else {
                queue.add(new Pending<>(task, future));
            }
        } finally {
            gate.readLock().unlock();
        }
        return future;
    }

    /** Stops accepting writes, lets the writer finish everything queued, then stops its threads. Idempotent. */
    public void close() {
        gate.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(stop);
        } finally {
            gate.writeLock().unlock();
        }
        Threads.joinUninterruptibly(thread);
        if (acks == null) {
            return;
        }
        acks.shutdown();
        try {
            if (!acks.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("{}: acknowledgement thread did not finish within 30 s", options.name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the connection; only after {@link #close()}, and last, so SQLite checkpoints the WAL. */
    public void closeSession() {
        session.close();
    }

    private void loop() {
        boolean stopped = false;
        while (!stopped) {
            List<Pending<V, ?>> group = new ArrayList<>();
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                continue; // nobody interrupts the writer; close() queues the stop mark
            }
            if (options.lingerMicros() > 0) {
                lingerAndTake(group);
            } else {
                queue.drainTo(group, options.maxGroup() - 1);
            }
            int stopAt = group.indexOf(stop);
            if (stopAt >= 0) {
                stopped = true;
                group = group.subList(0, stopAt);
            }
            if (!group.isEmpty()) {
                commitGroup(group);
            }
        }
    }

    /**
     * Lingering: waits until the group's first task is {@code lingerMicros} old, then adds the queued tasks that
     * are at least three quarters of that old (tasks queued a few µs after the first share its group). A younger
     * task waits for the next group, so every task gets most of the linger in which it may become unnecessary
     * (the edge hub's store: an entry acknowledged before its write is never written), not just what is left of
     * it when it happens to arrive near the end of another task's wait. Only this thread takes from the queue,
     * so the peeked head is the one polled.
     */
    private void lingerAndTake(List<Pending<V, ?>> group) {
        long linger = options.lingerMicros() * 1_000L;
        long oldEnough = linger - linger / 4;
        Pending<V, ?> first = group.get(0);
        if (first == stop) {
            return;
        }
        long wait;
        while ((wait = first.queuedAt + linger - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
        long now = System.nanoTime();
        Pending<V, ?> next;
        while (group.size() < options.maxGroup() && (next = queue.peek()) != null
                && (next == stop || now - next.queuedAt >= oldEnough)) {
            group.add(queue.poll()); // nothing is ever queued behind the stop mark (the gate)
        }
    }

    private void commitGroup(List<Pending<V, ?>> group) {
        long start = System.nanoTime();
        long tasksDone = start;
        try {
            session.run("BEGIN IMMEDIATE");
            listener.begun();
            for (Pending<V, ?> pending : group) {
                if (options.isolateTasks()) {
                    runInSavepoint(pending);
                } else {
                    runUnisolated(pending);
                }
            }
            listener.beforeCommit();
            tasksDone = System.nanoTime();
            session.run("COMMIT");
            listener.committed();
            long end = System.nanoTime();
            if (end - start > SLOW_GROUP_NANOS) {
                // Every caller of this group waited this long: worth a line when latency goals are at stake.
                LOG.warn("{}: slow group of {} writes: {} ms (BEGIN and tasks {} ms, COMMIT {} ms)", options.name(),
                        group.size(), (end - start) / 1_000_000, (tasksDone - start) / 1_000_000,
                        (end - tasksDone) / 1_000_000);
            }
        } catch (SQLException | RuntimeException e) {
            // Transaction control failed, or an unisolated task did (isolated ones are contained by their savepoints).
            rollbackQuietly();
            listener.rolledBack();
            BrinkException failure = new BrinkException(ErrorCode.ServerError, options.failurePrefix() + e.getMessage(), e);
            LOG.error("{}: a group of {} writes failed", options.name(), group.size(), e);
            group.forEach(p -> p.failGroup(failure));
        }
        if (acks == null) {
            group.forEach(Pending::complete);
        } else {
            acks.execute(() -> group.forEach(Pending::complete));
        }
    }

    private void runInSavepoint(Pending<V, ?> pending) throws SQLException {
        session.run("SAVEPOINT task");
        try {
            pending.run(transaction);
        } catch (Throwable t) {
            pending.error = t;
        }
        if (pending.error != null) {
            session.run("ROLLBACK TO task");
        }
        session.run("RELEASE task");
    }

    /** Without a savepoint a failed task cannot be undone alone: it aborts the group (the others fail too). */
    private void runUnisolated(Pending<V, ?> pending) {
        try {
            pending.run(transaction);
        } catch (Throwable t) {
            pending.error = t;
            throw new IllegalStateException("another write of the same group failed (" + t.getMessage() + ")", t);
        }
    }

    private void rollbackQuietly() {
        try {
            session.run("ROLLBACK");
        } catch (SQLException e) {
            // Already rolled back by SQLite (e.g. an I/O error aborts the transaction).
            LOG.debug("{}: rollback after a failed group: {}", options.name(), e.getMessage());
        }
    }

    /** One queued task; result and error are only touched by the writer, then read by the ack thread. */
    private static final class Pending<V, T> {
        private final Function<? super V, ? extends T> task;
        private final CompletableFuture<T> future;
        private T result;
        private Throwable error;
        private final long queuedAt = System.nanoTime();

        Pending(Function<? super V, ? extends T> task, CompletableFuture<T> future) {
            this.task = task;
            this.future = future;
        }

        void run(V transaction) {
            result = task.apply(transaction);
        }

        /** The group did not commit: a task that succeeded has nothing on disk, so it fails too. */
        void failGroup(BrinkException failure) {
            if (error == null) {
                error = failure;
            }
        }

        void complete() {
            if (error != null) {
                future.completeExceptionally(error);
            } else {
                future.complete(result);
            }
        }
    }
}
