package dev.brink.hub.c2d;

import dev.brink.core.message.Message;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Persistence of the cloud-to-device queues (one concern, one interface). Every method is durable when it
 * returns and may block on storage, so callers run it off event-loop threads. Expired messages and messages
 * that reached {@code maxDeliveries} are invisible to {@link #pending} and {@link #depth} even before
 * {@link #purge} deletes them.
 */
public interface CloudToDeviceStore extends AutoCloseable {

    /**
     * Appends a message to the device's queue unless the queue already holds {@code maxDepth} live messages
     * (checked and appended atomically).
     *
     * @return the stored message, or null when the queue is full
     */
    StoredC2d enqueue(String deviceId, Message message, Instant enqueuedTime, Instant expiryTime, int maxDepth,
            int maxDeliveries);

    /** Live messages of the device (not expired at {@code now}, below {@code maxDeliveries}), oldest first. */
    List<StoredC2d> pending(String deviceId, Instant now, int maxDeliveries, int limit);

    /** Deletes a message (the device acknowledged it). Returns false when it was not there. */
    boolean complete(String deviceId, long sequence);

    /** Counts one more delivery of a message; returns the new count, or -1 when it is not there any more. */
    int recordDelivery(String deviceId, long sequence);

    /** Live messages of the device. */
    int depth(String deviceId, Instant now, int maxDeliveries);

    /**
     * Deletes expired messages and those that reached {@code maxDeliveries}; returns how many it deleted per
     * device (only devices that lost messages).
     */
    Map<String, Integer> purge(Instant now, int maxDeliveries);

    /** Deletes every message of the device (the device was deleted); returns how many. */
    int purgeDevice(String deviceId);

    @Override
    void close();
}
