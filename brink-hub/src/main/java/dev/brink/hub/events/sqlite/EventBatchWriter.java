package dev.brink.hub.events.sqlite;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.hub.events.DeviceEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events log's single writer: it takes whatever appends are waiting (up to {@link #MAX_GROUP}),
 * inserts them in one transaction, commits (one sync for the group) and only then completes their
 * futures, on a separate thread so that callbacks never delay the next group. This is the hub store's
 * group-commit idea without its per-task savepoints and generic tasks: an event insert cannot fail on
 * its own, so a group commits or fails as a whole. While one group syncs, the next one queues up, which
 * is what makes 20,000+ durable appends per second possible on a disk that syncs a few thousand times a second.
 */
final class EventBatchWriter {
    static final int MAX_GROUP = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(EventBatchWriter.class);
    private static final Pending STOP = new Pending(null, null);

    private final Connection connection;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final ExecutorService acks;
    private final Thread thread;
    private volatile long nextOffset;
    private boolean closed;

    EventBatchWriter(Connection connection, long nextOffset) {
        this.connection = connection;
        this.nextOffset = nextOffset;
        this.acks = Executors.newSingleThreadExecutor(r -> daemon(r, "brink-events-ack"));
        this.thread = daemon(this::loop, "brink-events-writer");
        thread.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    long nextOffset() {
        return nextOffset;
    }

    synchronized CompletableFuture<Long> submit(DeviceEvent event) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new BrinkException(ErrorCode.ServiceUnavailable, "The events log is closed"));
        } else {
            queue.add(new Pending(event, future));
        }
        return future;
    }

    void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        acks.shutdown();
        try {
            if (!acks.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("events log acknowledgement thread did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        SqliteEventLog.closeQuietly(connection);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        boolean stop = false;
        while (!stop) {
            List<Pending> group = new ArrayList<>();
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                continue; // nobody interrupts the writer; close() uses STOP
            }
            queue.drainTo(group, MAX_GROUP - 1);
            int stopAt = group.indexOf(STOP);
            if (stopAt >= 0) {
                stop = true;
                group = new ArrayList<>(group.subList(0, stopAt));
            }
            if (!group.isEmpty()) {
                commit(group);
            }
        }
    }

    private void commit(List<Pending> group) {
        long first = nextOffset;
        try (Statement control = connection.createStatement()) {
            control.execute("BEGIN IMMEDIATE");
            try (PreparedStatement insert = connection.prepareStatement(SqliteEventLog.INSERT)) {
                long offset = first;
                for (Pending p : group) {
                    bind(insert, offset, p.event);
                    insert.addBatch();
                    p.offset = offset++;
                }
                insert.executeBatch();
            }
            control.execute("COMMIT");
            nextOffset = first + group.size();
            acks.execute(() -> group.forEach(p -> p.future.complete(p.offset)));
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            LOG.error("events log: a group of {} appends failed", group.size(), e);
            BrinkException failure = new BrinkException(ErrorCode.ServerError,
                    "events log write failed: " + e.getMessage(), e);
            acks.execute(() -> group.forEach(p -> p.future.completeExceptionally(failure)));
        }
    }

    private static void bind(PreparedStatement insert, long offset, DeviceEvent e) throws SQLException {
        insert.setLong(1, offset);
        insert.setLong(2, e.enqueuedTime().toEpochMilli());
        insert.setString(3, e.deviceId());
        insert.setString(4, e.moduleId());
        insert.setString(5, SqliteEventLog.toJson(e.systemProperties()));
        insert.setString(6, SqliteEventLog.toJson(e.applicationProperties()));
        insert.setBytes(7, e.body());
    }

    private void rollbackQuietly() {
        try (Statement s = connection.createStatement()) {
            s.execute("ROLLBACK");
        } catch (SQLException e) {
            LOG.debug("rollback after a failed events group: {}", e.getMessage());
        }
    }

    private static final class Pending {
        final DeviceEvent event;
        final CompletableFuture<Long> future;
        long offset;

        Pending(DeviceEvent event, CompletableFuture<Long> future) {
            this.event = event;
            this.future = future;
        }
    }
}
