package dev.brink.infra.sqlite;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A small pool of read-only connections, opened on demand and used on the caller's thread. Each read runs
 * in one read transaction, so it sees one consistent snapshot; in WAL mode readers and the writer never
 * wait for each other. Every connection keeps its view ({@code V}: the caller's read-only repositories bound
 * to it) for its whole life, so a read costs no allocation beyond its own work.
 *
 * @param <V> the read view the tasks run against
 */
public final class ReaderPool<V> {
    private static final long ACQUIRE_TIMEOUT_S = 30;

    private final String url;
    private final ConnectionSettings settings;
    private final Function<SqlSession, V> views;
    private final String closedMessage;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<Reader<V>> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    private record Reader<V>(SqlSession session, V view) {
    }

    /**
     * @param views         creates the view of a newly opened connection
     * @param closedMessage message of the ServiceUnavailable error a read after {@link #close()} fails with
     */
    public ReaderPool(String url, ConnectionSettings settings, int size, Function<SqlSession, V> views,
            String closedMessage) {
        this.url = url;
        this.settings = settings;
        this.views = views;
        this.closedMessage = closedMessage;
        this.permits = new Semaphore(size);
    }

    /** Runs {@code task} in one read transaction on the calling thread; its exceptions pass through unchanged. */
    public <T> T read(Function<? super V, ? extends T> task) {
        acquire();
        Reader<V> reader = null;
        // A connection is reused unless transaction control failed on it; a task's own exception is fine.
        boolean healthy = false;
        try {
            reader = idle.pollFirst();
            if (reader == null) {
                SqlSession session = settings.openReader(url);
                reader = new Reader<>(session, views.apply(session));
            }
            reader.session().run("BEGIN");
            T result;
            try {
                result = task.apply(reader.view());
            } catch (RuntimeException | Error e) {
                healthy = rollback(reader.session(), e);
                throw e;
            }
            reader.session().run("COMMIT");
            healthy = true;
            return result;
        } catch (SQLException e) {
            throw SqlSession.failure("read", e);
        } finally {
            release(reader, healthy);
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
            throw new BrinkException(ErrorCode.ServiceUnavailable, closedMessage);
        }
        try {
            if (!permits.tryAcquire(ACQUIRE_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new BrinkException(ErrorCode.ServiceUnavailable, "No reader connection available");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrinkException(ErrorCode.ServiceUnavailable, "Interrupted waiting for a reader connection");
        }
    }

    private void release(Reader<V> reader, boolean healthy) {
        try {
            if (reader != null) {
                if (healthy && !closed) {
                    idle.addFirst(reader);
                    if (closed) {
                        closeIdle(); // close() ran meanwhile and may have missed this one
                    }
                } else {
                    reader.session().close();
                }
            }
        } finally {
            permits.release();
        }
    }

    /** Refuses new reads and closes the idle connections (one in use is closed when it is returned). */
    public void close() {
        closed = true;
        closeIdle();
    }

    private void closeIdle() {
        Reader<V> reader;
        while ((reader = idle.pollFirst()) != null) {
            reader.session().close();
        }
    }
}
