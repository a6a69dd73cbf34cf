package dev.brink.hub.c2d;

import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.store.HubStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code cloudToDeviceMessageCount} of device identities current without a registry write per message:
 * devices whose queue changed are collected and, {@link #DELAY_MS} later, their depths are read from the queue
 * and written in one hub-store write. Runs on the queue's background thread, so counts of one device are
 * written in order. Unknown devices are skipped (and their leftover messages forgotten).
 */
public final class C2dMessageCounts {
    static final long DELAY_MS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(C2dMessageCounts.class);

    private final DurableCloudToDeviceQueue queue;
    private final HubStore store;
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);

    public C2dMessageCounts(DurableCloudToDeviceQueue queue, HubStore store) {
        this.queue = queue;
        this.store = store;
        queue.onDepthChanged(this::changed);
    }

    private void changed(String deviceId) {
        dirty.add(deviceId);
        if (scheduled.compareAndSet(false, true)) {
            try {
                queue.background().schedule(this::flush, DELAY_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                scheduled.set(false);
            }
        }
    }

    /** The last store write (tests wait for it). */
    public CompletableFuture<Void> lastWrite() {
        return lastWrite;
    }

    private void flush() {
        scheduled.set(false);
        Map<String, Integer> depths = new LinkedHashMap<>();
        for (String deviceId : Set.copyOf(dirty)) {
            dirty.remove(deviceId);
            try {
                depths.put(deviceId, queue.depth(deviceId));
            } catch (RuntimeException e) {
                LOG.warn("could not count the C2D queue of {}: {}", deviceId, e.toString());
            }
        }
        if (depths.isEmpty()) {
            return;
        }
        lastWrite = store.write(tx -> {
            depths.forEach((deviceId, depth) -> tx.registry().find(IdentityKey.device(deviceId)).ifPresentOrElse(
                    old -> {
                        if (old.cloudToDeviceMessageCount() != depth) {
                            tx.registry().put(withCount(old, depth));
                        }
                    },
                    () -> queue.runInBackground(() -> queue.purgeDevice(deviceId))));
            return null;
        }).<Void>thenApply(v -> null).whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("could not record the C2D message counts of {}: {}", depths.keySet(), e.toString());
            }
        });
    }

    /** The identity with another count; its etag is kept, as for connection state (read-only for services). */
    private static Identity withCount(Identity old, int count) {
        return new Identity(old.key(), old.generationId(), old.etag(), old.status(), old.statusReason(),
                old.statusUpdatedTime(), old.authType(), old.primaryKey(), old.secondaryKey(), old.primaryThumbprint(),
                old.secondaryThumbprint(), old.iotEdge(), old.managedBy(), old.deviceScope(), old.parentScopes(),
                old.connectionState(), old.connectionStateUpdatedTime(), old.lastActivityTime(), count);
    }
}
