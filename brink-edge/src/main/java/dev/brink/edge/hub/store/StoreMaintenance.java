package dev.brink.edge.hub.store;

import dev.brink.infra.sqlite.GroupCommitWriter;
import dev.brink.infra.sqlite.SqlSession;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code messages.db} small on its own thread and connection, so the writer never pays for it inside a
 * commit (see README.md "Disk use"):
 * <ul>
 *   <li>every 200 ms after writes: a PASSIVE WAL checkpoint (never blocks the writer or readers);</li>
 *   <li>every cleanup interval: the TTL purge (through the writer), then an incremental vacuum when a quarter of
 *   the file is free pages;</li>
 *   <li>when the store becomes empty (a drain): incremental vacuum of all free pages and a TRUNCATE checkpoint,
 *   so the database file and the WAL shrink back to a few pages.</li>
 * </ul>
 * The vacuum runs in steps of {@link #VACUUM_STEP_PAGES} through the writer, so appends interleave with it.
 */
final class StoreMaintenance implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreMaintenance.class);
    static final int VACUUM_STEP_PAGES = 2048;
    private static final long CHECKPOINT_INTERVAL_MS = 200;
    /** Periodic vacuum only when at least this many pages are free (4 MiB at 4 KiB pages)... */
    private static final long MIN_FREE_PAGES = 1024;

    private final SqlSession checkpointer;
    private final GroupCommitWriter<StoreWriter> writer;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final AtomicBoolean compactQueued = new AtomicBoolean();

    StoreMaintenance(SqlSession checkpointer, GroupCommitWriter<StoreWriter> writer, Clock clock,
            Duration cleanupInterval, String name) {
        this.checkpointer = checkpointer;
        this.writer = writer;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-maintenance");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::checkpointIfDirty, CHECKPOINT_INTERVAL_MS, CHECKPOINT_INTERVAL_MS,
                TimeUnit.MILLISECONDS);
        long every = cleanupInterval.toMillis();
        thread.scheduleWithFixedDelay(this::cleanupQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** Called by the writer after each durable group (writer thread: must not block). */
    void afterCommit(boolean emptied) {
        dirty.set(true);
        if (emptied && compactQueued.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    compactQueued.set(false);
                    try {
                        compact(true);
                    } catch (RuntimeException e) {
                        LOG.warn("Message store: compaction after a drain failed: {}", e.getMessage());
                    }
                });
            } catch (RejectedExecutionException closing) {
                compactQueued.set(false);
            }
        }
    }

    /** TTL purge, then a vacuum if a quarter of the file is free. Blocking; returns the entries purged. */
    int cleanup() {
        int purged = writer.submit(tx -> tx.purgeExpired(clock.millis())).join();
        compact(false);
        return purged;
    }

    /**
     * Gives free pages back to the file system. {@code force}: all of them plus a TRUNCATE checkpoint (after a
     * drain); otherwise only when enough pages are free to be worth moving.
     */
    synchronized void compact(boolean force) {
        long free = pragma("freelist_count");
        long pages = pragma("page_count");
        boolean worth = force ? free > 0 : free >= MIN_FREE_PAGES && free * 4 >= pages;
        if (worth) {
            long left = free;
            while (left > 0) {
                int step = (int) Math.min(left, VACUUM_STEP_PAGES);
                int moved = writer.submit(tx -> tx.incrementalVacuum(step)).join();
                if (moved == 0) {
                    break;
                }
                left -= moved;
            }
        }
        if (force || worth) {
            checkpoint("TRUNCATE");
        }
    }

    private void checkpointIfDirty() {
        if (dirty.getAndSet(false)) {
            checkpoint("PASSIVE");
        }
    }

    private void cleanupQuietly() {
        try {
            int purged = cleanup();
            if (purged > 0) {
                LOG.info("Message store: {} expired queue entries dropped (ttl_expiry)", purged);
            }
        } catch (RuntimeException e) {
            LOG.warn("Message store: periodic cleanup failed: {}", e.getMessage());
        }
    }

    private synchronized void checkpoint(String mode) {
        try (Statement st = checkpointer.connection().createStatement();
             ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            if (rs.next() && rs.getInt(1) != 0) {
                LOG.debug("Message store: {} checkpoint was busy", mode);
            }
        } catch (SQLException e) {
            LOG.warn("Message store: {} checkpoint failed: {}", mode, e.getMessage());
        }
    }

    private synchronized long pragma(String name) {
        try (Statement st = checkpointer.connection().createStatement();
             ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw SqlSession.failure(name, e);
        }
    }

    /** Stops the thread (a running step finishes first) and closes the connection. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Message store: maintenance did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            checkpointer.close();
        }
    }
}
