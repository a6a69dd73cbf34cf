package dev.brink.hub.mqtt;

import dev.brink.hub.registry.Identity;
import dev.brink.hub.registry.IdentityKey;
import dev.brink.hub.registry.RegistryService;
import dev.brink.hub.registry.RegistryService.ConnectionUpdate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code connectionState} and {@code lastActivityTime} of devices and modules current without writing
 * the registry per message: changes are collected in memory and written by {@link #flush()} (called every
 * {@link #FLUSH_INTERVAL}) as one store write; {@code lastActivityTime} is recorded at most once per
 * {@link #ACTIVITY_RESOLUTION} per identity, so telemetry at any rate costs one map lookup per message.
 * Connect/disconnect always produce an update (the latest one per flush wins).
 */
final class ConnectionActivity {
    static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);
    static final Duration ACTIVITY_RESOLUTION = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionActivity.class);

    private final RegistryService registry;
    private final Clock clock;
    private final Map<IdentityKey, ConnectionUpdate> dirty = new ConcurrentHashMap<>();
    private final Map<IdentityKey, Instant> lastRecorded = new ConcurrentHashMap<>();

    ConnectionActivity(RegistryService registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    void connected(IdentityKey key) {
        Instant now = clock.instant();
        lastRecorded.put(key, now);
        dirty.put(key, new ConnectionUpdate(key, Identity.CONNECTED, now, now));
    }

    void disconnected(IdentityKey key) {
        Instant now = clock.instant();
        lastRecorded.remove(key);
        dirty.merge(key, new ConnectionUpdate(key, Identity.DISCONNECTED, now, null),
                (old, next) -> new ConnectionUpdate(key, Identity.DISCONNECTED, now, old.lastActivityTime()));
    }

    /** An operation by the identity (telemetry, twin, method response): throttled. */
    void active(IdentityKey key) {
        Instant last = lastRecorded.get(key);
        Instant now = clock.instant();
        if (last != null && Duration.between(last, now).compareTo(ACTIVITY_RESOLUTION) < 0) {
            return;
        }
        lastRecorded.put(key, now);
        dirty.merge(key, new ConnectionUpdate(key, null, null, now),
                (old, next) -> new ConnectionUpdate(key, old.connectionState(), old.connectionStateUpdatedTime(), now));
    }

    /** Writes what changed since the last flush, in one store write; the future completes when durable. */
    CompletableFuture<Void> flush() {
        if (dirty.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<ConnectionUpdate> batch = new ArrayList<>();
        for (IdentityKey key : List.copyOf(dirty.keySet())) {
            ConnectionUpdate u = dirty.remove(key);
            if (u != null) {
                batch.add(u);
            }
        }
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return registry.updateConnections(batch).whenComplete((ok, e) -> {
            if (e != null) {
                LOG.warn("could not record the connection state of {} identities: {}", batch.size(), e.toString());
            }
        });
    }
}
