package dev.brink.hub.mqtt;

import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.registry.RegistryService;
import dev.brink.hub.registry.RegistryService.ConnectionUpdate;
import dev.brink.hub.store.HubStore;
import dev.brink.mqtt.ConnectionListener;
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
 * Connect/disconnect always produce an update (the latest one per flush wins). It is the hub backend's
 * {@link ConnectionListener}: called on event loops, it only touches concurrent maps.
 */
final class ConnectionActivity implements ConnectionListener {
    static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);
    static final Duration ACTIVITY_RESOLUTION = Duration.ofSeconds(30);
    private static final int STARTUP_PAGE = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionActivity.class);

    private final RegistryService registry;
    private final Clock clock;
    private final Map<IdentityKey, ConnectionUpdate> dirty = new ConcurrentHashMap<>();
    private final Map<IdentityKey, Instant> lastRecorded = new ConcurrentHashMap<>();

    ConnectionActivity(RegistryService registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public void connected(IdentityKey key) {
        Instant now = clock.instant();
        lastRecorded.put(key, now);
        dirty.put(key, new ConnectionUpdate(key, Identity.CONNECTED, now, now));
    }

    @Override
    public void disconnected(IdentityKey key) {
        Instant now = clock.instant();
        lastRecorded.remove(key);
        dirty.merge(key, new ConnectionUpdate(key, Identity.DISCONNECTED, now, null),
                (old, next) -> new ConnectionUpdate(key, Identity.DISCONNECTED, now, old.lastActivityTime()));
    }

    /** An operation by the identity (telemetry, twin, method response): throttled. */
    @Override
    public void active(IdentityKey key) {
        Instant last = lastRecorded.get(key);
        Instant now = clock.instant();
        if (last != null && Duration.between(last, now).compareTo(ACTIVITY_RESOLUTION) < 0) {
            return;
        }
        lastRecorded.put(key, now);
        dirty.merge(key, new ConnectionUpdate(key, null, null, now),
                (old, next) -> new ConnectionUpdate(key, old.connectionState(), old.connectionStateUpdatedTime(), now));
    }

    /**
     * Marks every identity still recorded as {@code Connected} as {@code Disconnected}, in one registry write.
     * Called once at start, before the listeners accept anything: states left behind by a hub that crashed
     * (a clean stop records its connections as Disconnected). Returns how many were reset.
     */
    static int resetStaleConnections(HubStore store, RegistryService registry, Clock clock) {
        List<IdentityKey> stale = store.read(view -> {
            List<IdentityKey> found = new ArrayList<>();
            String after = null;
            while (true) {
                List<Identity> page = view.registry().listDevices(after, STARTUP_PAGE);
                for (Identity device : page) {
                    addIfConnected(found, device);
                    view.registry().listModules(device.key().deviceId()).forEach(m -> addIfConnected(found, m));
                }
                if (page.size() < STARTUP_PAGE) {
                    return found;
                }
                after = page.get(page.size() - 1).key().deviceId();
            }
        });
        if (!stale.isEmpty()) {
            Instant now = clock.instant();
            registry.updateConnections(stale.stream()
                    .map(k -> new ConnectionUpdate(k, Identity.DISCONNECTED, now, null)).toList()).join();
            LOG.info("{} identities were still recorded as Connected (the hub was not stopped cleanly): now "
                    + "Disconnected", stale.size());
        }
        return stale.size();
    }

    private static void addIfConnected(List<IdentityKey> found, Identity identity) {
        if (Identity.CONNECTED.equals(identity.connectionState())) {
            found.add(identity.key());
        }
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
