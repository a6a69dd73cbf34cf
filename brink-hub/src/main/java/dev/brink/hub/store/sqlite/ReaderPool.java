package dev.brink.hub.store.sqlite;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.hub.store.HubStore.ReadTask;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small pool of read-only connections, opened on demand and used on the caller's thread. Each read
 * runs in one read transaction, so it sees one consistent snapshot; in WAL mode readers and the writer
 * never wait for each other.
 */
final class ReaderPool {
    private static final long ACQUIRE_TIMEOUT_S = 30;

    private final String url;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<SqlSession> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    ReaderPool(String url, int size) {
        this.url = url;
        this.permits = new Semaphore(size);
    }

    <T> T read(ReadTask<T> task) {
        acquire();
        SqlSession session = null;
        // A connection is reused unless transaction control failed on it; a task's own exception is fine.
        boolean healthy = false;
        try {
            session = idle.pollFirst();
            if (session == null) {
                session = SqlSession.openReader(url);
            }
            session.run("BEGIN");
            T result;
            try {
                result = task.run(session.view());
            } catch (RuntimeException | Error e) {
                healthy = rollback(session, e);
                throw e;
            }
            session.run("COMMIT");
            healthy = true;
            return result;
        } catch (SQLException e) {
            throw SqlSession.failure("read", e);
        } finally {
            release(session, healthy);
        }
    }

    private static boolean rollback(SqlSession session, Throwable cause) {
        try {
            session.run("ROLLBACK");
            return true;
        } catch (SQLException e) {
            cause.addSuppressed(e); // the task's own exception is what the caller needs
            return false;
        }
    }

    private void acquire() {
        if (closed) {
            throw new BrinkException(ErrorCode.ServiceUnavailable, "The store is closed");
        }
        try {
            if (!permits.tryAcquire(ACQUIRE_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new BrinkException(ErrorCode.ServiceUnavailable, "No store reader available");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrinkException(ErrorCode.ServiceUnavailable, "Interrupted waiting for a store reader");
        }
    }

    private void release(SqlSession session, boolean healthy) {
        try {
            if (session != null) {
                if (healthy && !closed) {
                    idle.addFirst(session);
                    if (closed) {
                        closeIdle(); // close() ran meanwhile and may have missed this one
                    }
                } else {
                    session.close();
                }
            }
        } finally {
            permits.release();
        }
    }

    void close() {
        closed = true;
        closeIdle();
    }

    private void closeIdle() {
        SqlSession session;
        while ((session = idle.pollFirst()) != null) {
            session.close();
        }
    }
}
