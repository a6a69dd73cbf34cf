package dev.brink.hub.c2d;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The durable per-device cloud-to-device queue, as the device endpoint sees it (the seam between the MQTT
 * delivery side, in {@code dev.brink.hub.mqtt}, and the queue's storage, REST send, TTL and depth rules,
 * implemented separately). A message stays pending until {@link #complete} — i.e. it is redelivered on every
 * (re)connection of the device until the device PUBACKs it — or until it expires.
 *
 * <p>Threading: the endpoint calls these methods from Vert.x worker threads (they may block on storage);
 * {@link #onEnqueued} listeners are called on any thread and must not block.
 */
public interface CloudToDeviceQueue {

    /** The messages waiting for {@code deviceId}, oldest first (at most the queue depth, 50). */
    List<PendingC2d> pending(String deviceId);

    /**
     * Marks a message delivered and acknowledged (the device's PUBACK). Unknown or already completed ids
     * are ignored; the future completes when the change is durable.
     */
    CompletableFuture<Void> complete(String deviceId, String id);

    /**
     * Tells the queue that the endpoint is publishing message {@code id} to the device now (a first delivery or
     * a redelivery), so that it can count deliveries and give a message up after too many (IoT Hub: 100).
     * Called on the connection's event loop: implementations must not block. The default ignores it.
     */
    default void delivering(String deviceId, String id) {
    }

    /** Registers a listener told the device id each time a message is enqueued for it (after it is durable). */
    void onEnqueued(Consumer<String> listener);

    /** A queue that never holds anything: the endpoint's default until the real queue is wired in. */
    static CloudToDeviceQueue none() {
        return NoCloudToDeviceQueue.INSTANCE;
    }
}
