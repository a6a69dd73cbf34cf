package dev.brink.hub.events;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The durable log of device-to-cloud events. The device endpoint appends every accepted telemetry message
 * and sends the PUBACK only when the returned future completes: a completed future means "on disk".
 * Offsets are assigned in append order, start at 0 and never repeat.
 */
public interface EventLog extends AutoCloseable {

    /**
     * Appends {@code event} (its {@code offset} is ignored). The future completes with the offset once the
     * event is durable, or fails (e.g. the log is closed or the disk failed); callbacks run on a log thread
     * and must not block.
     */
    CompletableFuture<Long> append(DeviceEvent event);

    /** Up to {@code max} events with offset &gt;= {@code fromOffset}, in offset order. */
    List<DeviceEvent> read(long fromOffset, int max);

    /** The offset the next append will get (0 for an empty log). */
    long nextOffset();

    /** Finishes the appends already queued, then releases the storage; later appends fail. */
    @Override
    void close();
}
