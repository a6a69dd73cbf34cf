package dev.brink.infra.sqlite;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies committed WAL frames back into the database file on its own thread and connection, so that the
 * writer never pays for a checkpoint (random writes plus a sync of the database file) inside a commit.
 * PASSIVE checkpoints never block the writer or readers. The writer keeps a high wal_autocheckpoint as
 * a backstop in case this thread falls behind ({@link ConnectionSettings#backstopCheckpointPages()}).
 */
public final class WalCheckpointer {
    private static final Logger LOG = LoggerFactory.getLogger(WalCheckpointer.class);
    private static final long INTERVAL_MS = 200;

    private final SqlSession session;
    private final Thread thread;
    private final Object signal = new Object();
    private boolean stopped;

    /** Starts checkpointing every 200 ms on {@code session} (see {@link ConnectionSettings#openCheckpointer}). */
    public WalCheckpointer(SqlSession session, String name) {
        this.session = session;
        this.thread = Threads.daemon(this::loop, name + "-checkpoint");
        thread.start();
    }

    private void loop() {
        while (waitInterval()) {
            try (ResultSet rs = session.prepare("PRAGMA wal_checkpoint(PASSIVE)").executeQuery()) {
                if (rs.next() && rs.getInt(1) != 0) {
                    LOG.debug("WAL checkpoint was busy");
                }
            } catch (SQLException | RuntimeException e) {
                LOG.warn("WAL checkpoint failed: {}", e.getMessage());
            }
        }
    }

    /** Sleeps one interval; false once stopped. */
    private boolean waitInterval() {
        synchronized (signal) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS);
            long left;
            while (!stopped && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                } catch (InterruptedException e) {
                    stopped = true;
                }
            }
            return !stopped;
        }
    }

    /** Stops the thread and closes its connection. */
    public void close() {
        synchronized (signal) {
            stopped = true;
            signal.notifyAll();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        session.close();
    }
}
