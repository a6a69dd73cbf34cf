package dev.brink.edge.hub.identity;

import dev.brink.core.id.IdentityKey;
import dev.brink.mqtt.Authentication;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge hub's {@link IdentityCache}: the edge device's scope as the hub lists it ({@link ScopeClient}), kept in
 * {@code identities.db} ({@link IdentityDb}) and in memory as one immutable {@link ScopeSnapshot}.
 *
 * <p>Refreshes: at {@link #open}, every {@code refreshInterval} (default 1 h) on its own thread, and on demand when
 * a client id that is not in the cache connects or a cached one is refused (keys changed at the hub) — at most once
 * per {@link #ON_DEMAND_MIN_GAP} (10 s), so unknown or wrong clients cannot hammer the hub. A refresh fetches every page first, writes the whole scope in one durable
 * transaction and only then swaps the in-memory snapshot: identities removed or disabled at the hub are refused
 * from then on. If the hub cannot be reached the cache stays as it was, so authentication works offline after
 * one sync (the file is read back at the next open). See README.md.
 */
public final class ScopeIdentityCache implements IdentityCache {
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofHours(1);
    public static final Duration ON_DEMAND_MIN_GAP = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(ScopeIdentityCache.class);

    private final IdentityDb db;
    private final ScopeClient client;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    // Serialises refreshes; an on-demand caller waits for one in flight, then sees its result.
    private final ReentrantLock refreshLock = new ReentrantLock();
    private volatile ScopeSnapshot snapshot;
    private Instant lastOnDemand; // guarded by refreshLock
    private volatile boolean closed;

    private ScopeIdentityCache(IdentityDb db, ScopeClient client, Clock clock, ScopeSnapshot initial) {
        this.db = db;
        this.client = client;
        this.clock = clock;
        this.snapshot = initial;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "brink-scope-refresh");
            t.setDaemon(true);
            return t;
        });
    }

    /** {@link #open(Path, ScopeClient, Clock, Duration)} with the default 1 h refresh interval. */
    public static ScopeIdentityCache open(Path file, ScopeClient client, Clock clock) {
        return open(file, client, clock, DEFAULT_REFRESH_INTERVAL);
    }

    /**
     * Opens (creating if needed) the cache file, loads the last stored scope, refreshes it from the hub once
     * (blocking, bounded by the client's timeout; a hub that cannot be reached leaves the stored scope) and
     * schedules the periodic refresh.
     */
    public static ScopeIdentityCache open(Path file, ScopeClient client, Clock clock, Duration refreshInterval) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(clock, "clock");
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("refreshInterval must be positive");
        }
        IdentityDb db = IdentityDb.open(file);
        ScopeIdentityCache cache;
        try {
            cache = new ScopeIdentityCache(db, client, clock,
                    ScopeSnapshot.of(client.edgeDeviceId(), db.loadAll(), db.lastSync()));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        cache.refresh();
        long ms = refreshInterval.toMillis();
        cache.timer.scheduleWithFixedDelay(cache::refresh, ms, ms, TimeUnit.MILLISECONDS);
        return cache;
    }

    @Override
    public Authentication authenticate(String clientId, String username, String password) {
        IdentityKey key = ScopeRules.parseClientId(clientId);
        if (key != null && !known(snapshot, key)) {
            refreshOnDemand(key);
        }
        Authentication result = ScopeRules.authenticate(snapshot, client.hubHostName(), clientId, username, password,
                clock.instant());
        // A known identity refused (e.g. its keys changed at the hub since the last sync: a deployment applied before
        // the edge started creates module identities with keys the agent then replaces by derived ones) gets one
        // on-demand refresh and a second check — the reference edge hub also re-fetches an identity on auth failure.
        if (key != null && result instanceof Authentication.Refused && refreshAfterRefusal(key)) {
            result = ScopeRules.authenticate(snapshot, client.hubHostName(), clientId, username, password,
                    clock.instant());
        }
        return result;
    }

    @Override
    public Optional<String> primaryKey(IdentityKey key) {
        ScopeSnapshot s = snapshot;
        return s.serves(key) ? Optional.ofNullable(s.find(key)).map(ScopeIdentity::primaryKey) : Optional.empty();
    }

    @Override
    public boolean contains(IdentityKey key) {
        return snapshot.serves(key);
    }

    /** When the scope in use was fetched from the hub (null: never, nothing is accepted yet). */
    public Instant lastSync() {
        return snapshot.syncedAt();
    }

    /** The identities of the scope in use (the edge device and its modules, children and theirs). */
    public List<IdentityKey> identities() {
        return snapshot.identities().keySet().stream().sorted().toList();
    }

    @Override
    public void refresh() {
        refreshLock.lock();
        try {
            if (closed) {
                return;
            }
            List<ScopeIdentity> identities = client.fetchScope();
            if (closed) {
                return;
            }
            Instant now = clock.instant();
            db.replaceAll(identities, now).get();
            snapshot = ScopeSnapshot.of(client.edgeDeviceId(), identities, now);
            LOG.info("Device scope of {} refreshed: {} identities", client.edgeDeviceId(), identities.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.warn("Device scope of {} not refreshed, keeping the cached one ({} identities, synced {}): {}",
                    client.edgeDeviceId(), snapshot.identities().size(), snapshot.syncedAt(), cause.toString());
        } finally {
            refreshLock.unlock();
        }
    }

    /** An identity the cache has never heard of: ask the hub, unless someone did less than 10 s ago. */
    private void refreshOnDemand(IdentityKey key) {
        refreshLock.lock();
        try {
            if (known(snapshot, key)) {
                return; // a refresh that finished while we waited brought it
            }
            Instant now = clock.instant();
            if (lastOnDemand != null && now.isBefore(lastOnDemand.plus(ON_DEMAND_MIN_GAP))) {
                return;
            }
            lastOnDemand = now;
            LOG.info("Unknown client {}: refreshing the device scope", key);
            refresh(); // re-entrant: holds the same lock
        } finally {
            refreshLock.unlock();
        }
    }

    /** True if the scope was refreshed for this refused known client (same 10 s gap as for unknown ones). */
    private boolean refreshAfterRefusal(IdentityKey key) {
        refreshLock.lock();
        try {
            Instant now = clock.instant();
            if (lastOnDemand != null && now.isBefore(lastOnDemand.plus(ON_DEMAND_MIN_GAP))) {
                return false;
            }
            lastOnDemand = now;
            LOG.info("Client {} refused with the cached scope: refreshing the device scope", key);
            refresh(); // re-entrant: holds the same lock
            return true;
        } finally {
            refreshLock.unlock();
        }
    }

    private static boolean known(ScopeSnapshot s, IdentityKey key) {
        return s.find(key) != null;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow(); // interrupts a periodic refresh waiting on the hub
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        refreshLock.lock(); // an on-demand refresh on a caller's thread finishes first
        try {
            db.close();
        } finally {
            refreshLock.unlock();
        }
    }
}
