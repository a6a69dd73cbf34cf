package dev.brink.hub.c2d;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.message.Message;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable per-device C2D queue behind the device endpoint: IoT Hub's rules (reference §2.3, §8) over a
 * {@link CloudToDeviceStore}. At most {@link #MAX_DEPTH} live messages per device (more → 403004); a message
 * expires at its expiry time and is then never delivered; it is redelivered on every connection until the
 * device PUBACKs it, and given up after {@link #MAX_DELIVERIES} deliveries. A background thread counts
 * deliveries (the endpoint reports them on its event loop, which must not block) and purges expired and
 * given-up messages every {@link #PURGE_INTERVAL}. See README.md.
 */
public final class DurableCloudToDeviceQueue implements CloudToDeviceQueue, AutoCloseable {
    public static final int MAX_DEPTH = 50;
    public static final int MAX_DELIVERIES = 100;
    static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(DurableCloudToDeviceQueue.class);

    private final CloudToDeviceStore store;
    private final Clock clock;
    private final ScheduledExecutorService background;
    private final List<Consumer<String>> enqueuedListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> depthListeners = new CopyOnWriteArrayList<>();

    public DurableCloudToDeviceQueue(CloudToDeviceStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "brink-c2d-queue");
            t.setDaemon(true);
            return t;
        });
        long period = PURGE_INTERVAL.toMillis();
        background.scheduleWithFixedDelay(this::purgeQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Appends a message to the device's queue (durable when this returns) and tells the listeners.
     *
     * @throws BrinkException 403004 DeviceMaximumQueueDepthExceeded when the queue holds {@link #MAX_DEPTH}
     */
    public StoredC2d enqueue(String deviceId, Message message, Instant expiryTime) {
        StoredC2d stored = store.enqueue(deviceId, message, clock.instant(), expiryTime, MAX_DEPTH, MAX_DELIVERIES);
        if (stored == null) {
            throw new BrinkException(ErrorCode.DeviceMaximumQueueDepthExceeded, "the cloud-to-device queue of device "
                    + deviceId + " already holds " + MAX_DEPTH + " messages");
        }
        enqueuedListeners.forEach(l -> notify(l, deviceId));
        depthListeners.forEach(l -> notify(l, deviceId));
        return stored;
    }

    /** Live messages of the device. */
    public int depth(String deviceId) {
        return store.depth(deviceId, clock.instant(), MAX_DELIVERIES);
    }

    @Override
    public List<PendingC2d> pending(String deviceId) {
        return store.pending(deviceId, clock.instant(), MAX_DELIVERIES, MAX_DEPTH).stream()
                .map(s -> new PendingC2d(Long.toString(s.sequence()), s.message(), s.deliveryCount()))
                .toList();
    }

    @Override
    public CompletableFuture<Void> complete(String deviceId, String id) {
        Long sequence = sequence(id);
        if (sequence != null && store.complete(deviceId, sequence)) {
            depthListeners.forEach(l -> notify(l, deviceId));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void delivering(String deviceId, String id) {
        Long sequence = sequence(id);
        if (sequence == null) {
            return;
        }
        runInBackground(() -> {
            try {
                int count = store.recordDelivery(deviceId, sequence);
                if (count >= MAX_DELIVERIES) {
                    LOG.warn("C2D message {} of device {} was delivered {} times without an acknowledgement; it "
                            + "will not be delivered again", id, deviceId, count);
                    depthListeners.forEach(l -> notify(l, deviceId));
                }
            } catch (RuntimeException e) {
                LOG.warn("could not count a delivery of C2D message {} of device {}: {}", id, deviceId, e.toString());
            }
        });
    }

    @Override
    public void onEnqueued(Consumer<String> listener) {
        enqueuedListeners.add(listener);
    }

    /** Registers a listener told the device id whenever its queue may have changed length. Must not block. */
    public void onDepthChanged(Consumer<String> listener) {
        depthListeners.add(listener);
    }

    /** Deletes expired and given-up messages now (the background thread does it every minute). */
    public Map<String, Integer> purge() {
        Map<String, Integer> purged = store.purge(clock.instant(), MAX_DELIVERIES);
        purged.forEach((deviceId, n) -> {
            LOG.info("dropped {} expired or undeliverable C2D message(s) of device {}", n, deviceId);
            depthListeners.forEach(l -> notify(l, deviceId));
        });
        return purged;
    }

    /** Forgets every message of a deleted device. */
    public int purgeDevice(String deviceId) {
        int n = store.purgeDevice(deviceId);
        if (n > 0) {
            depthListeners.forEach(l -> notify(l, deviceId));
        }
        return n;
    }

    /** For helpers that must run on the queue's background thread (e.g. the message-count bookkeeping). */
    ScheduledExecutorService background() {
        return background;
    }

    /** Runs {@code work} on the background thread; dropped (logged) once the queue is closing. */
    void runInBackground(Runnable work) {
        try {
            background.execute(work);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            LOG.debug("C2D queue closing: background work dropped");
        }
    }

    /** Stops the background thread (pending delivery counts are written first); the store is closed by its owner. */
    @Override
    public void close() {
        background.shutdown();
        try {
            if (!background.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("C2D queue background work did not finish within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void purgeQuietly() {
        try {
            purge();
        } catch (RuntimeException e) {
            LOG.warn("purging expired C2D messages failed: {}", e.toString());
        }
    }

    private static Long sequence(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void notify(Consumer<String> listener, String deviceId) {
        try {
            listener.accept(deviceId);
        } catch (RuntimeException e) {
            LOG.warn("a C2D queue listener failed for device {}: {}", deviceId, e.toString());
        }
    }
}
