package dev.brink.hub.store.sqlite;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.hub.store.HubStore.WriteTask;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer. It takes whatever is queued (up to {@link #MAX_GROUP} tasks), runs each task in its
 * own SAVEPOINT inside one transaction, commits once (one sync for the whole group) and only then
 * completes the futures. A task that throws is rolled back to its savepoint and fails alone; a failed
 * COMMIT fails the whole group. Futures are completed on a separate "ack" thread so that callbacks never
 * delay the next group; such callbacks must not block.
 */
final class GroupCommitWriter {
    static final int MAX_GROUP = 500;
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final Pending<?> STOP = new Pending<>(tx -> null, null);

    private final SqlSession session;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    // Writers take the read lock to enqueue, close() the write lock: nothing can be queued behind STOP.
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final ExecutorService acks;
    private final Thread thread;
    private boolean closed;

    GroupCommitWriter(SqlSession session, String name) {
        this.session = session;
        this.acks = Executors.newSingleThreadExecutor(r -> daemon(r, name + "-ack"));
        this.thread = daemon(this::loop, name + "-writer");
        thread.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    <T> CompletableFuture<T> submit(WriteTask<T> task) {
        if (Thread.currentThread() == thread) {
            // Waiting for it would deadlock: the writer would wait for itself.
            throw new IllegalStateException("HubStore.write called from inside a write task; use the task's transaction");
        }
        CompletableFuture<T> future = new CompletableFuture<>();
        gate.readLock().lock();
        try {
            if (closed) {
                future.completeExceptionally(new BrinkException(ErrorCode.ServiceUnavailable, "The store is closed"));
            } else {
                queue.add(new Pending<>(task, future));
            }
        } finally {
            gate.readLock().unlock();
        }
        return future;
    }

    /** Stops accepting writes, lets the writer finish everything queued, then stops its threads. */
    void close() {
        gate.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        } finally {
            gate.writeLock().unlock();
        }
        joinUninterruptibly(thread);
        acks.shutdown();
        try {
            if (!acks.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Store acknowledgement thread did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the connection; only after {@link #close()}, and last, so SQLite checkpoints the WAL. */
    void closeSession() {
        session.close();
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        boolean stop = false;
        while (!stop) {
            List<Pending<?>> group = new ArrayList<>();
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                continue; // nobody interrupts the writer; close() uses STOP
            }
            queue.drainTo(group, MAX_GROUP - 1);
            int stopAt = group.indexOf(STOP);
            if (stopAt >= 0) {
                stop = true;
                group = group.subList(0, stopAt);
            }
            if (!group.isEmpty()) {
                commitGroup(group);
            }
        }
    }

    private void commitGroup(List<Pending<?>> group) {
        try {
            session.run("BEGIN IMMEDIATE");
            for (Pending<?> pending : group) {
                runInSavepoint(pending);
            }
            session.run("COMMIT");
        } catch (SQLException | RuntimeException e) {
            // Only transaction control failed here (task failures are contained by their savepoints).
            rollbackQuietly();
            BrinkException failure = new BrinkException(ErrorCode.ServerError,
                    "Storage commit failed: " + e.getMessage(), e);
            LOG.error("Group of {} writes failed", group.size(), e);
            group.forEach(p -> p.failGroup(failure));
        }
        acks.execute(() -> group.forEach(Pending::complete));
    }

    private void runInSavepoint(Pending<?> pending) throws SQLException {
        session.run("SAVEPOINT task");
        try {
            pending.run(session.view());
        } catch (Throwable t) {
            pending.error = t;
        }
        if (pending.error != null) {
            session.run("ROLLBACK TO task");
        }
        session.run("RELEASE task");
    }

    private void rollbackQuietly() {
        try {
            session.run("ROLLBACK");
        } catch (SQLException e) {
            // Already rolled back by SQLite (e.g. an I/O error aborts the transaction).
            LOG.debug("Rollback after failed group: {}", e.getMessage());
        }
    }

    /** One queued task; result and error are only touched by the writer, then read by the ack thread. */
    private static final class Pending<T> {
        private final WriteTask<T> task;
        private final CompletableFuture<T> future;
        private T result;
        private Throwable error;

        Pending(WriteTask<T> task, CompletableFuture<T> future) {
            this.task = task;
            this.future = future;
        }

        void run(SqliteStoreView view) {
            result = task.run(view);
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
