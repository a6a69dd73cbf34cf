package dev.brink.edge.hub.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import dev.brink.core.twin.TwinDocument;
import dev.brink.core.twin.TwinUpdate;
import dev.brink.edge.hub.upstream.Upstream;
import dev.brink.mqtt.TwinReply;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge hub's {@link TwinCache} on {@code twins.db} (see README.md in this package and docs/edge-twins.md).
 *
 * <ul>
 *   <li>GET: online, the hub's twin, stored, then answered; offline (or when the hub does not answer) the cached
 *       copy with the unsent reported patches merged in; with no copy at all an empty twin (versions 0), like
 *       IoT Edge, and the identity is remembered so that the first sync forwards its whole desired section.</li>
 *   <li>Reported PATCH: validated like the hub, checked against the edge's reported {@code $version} (412), merged
 *       into the cached view and into one cumulative pending patch, committed, and only then answered 204. A sync
 *       pushes it upstream when the link is up.</li>
 *   <li>Desired: the next {@code $version} is applied and forwarded to the {@code desiredSink}; a gap, or a link
 *       that came back, triggers a full sync whose difference is forwarded as one patch.</li>
 * </ul>
 */
public final class DurableTwinCache implements TwinCache {
    private static final Logger LOG = LoggerFactory.getLogger(DurableTwinCache.class);
    public static final String FILE_NAME = "twins.db";

    private final TwinStore store;
    private final Upstream upstream;
    private final Clock clock;
    private final ExecutorService pool;
    private final ScheduledExecutorService timer;
    private final SerialQueues serial;
    private final HubSync sync;
    private volatile boolean closed;

    private DurableTwinCache(TwinStore store, Upstream upstream, BiConsumer<IdentityKey, ObjectNode> desiredSink,
            Clock clock) {
        this.store = store;
        this.upstream = upstream;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(2, r -> daemon(r, "brink-twins-sync-" + n.incrementAndGet()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "brink-twins-retry"));
        this.serial = new SerialQueues(pool);
        this.sync = new HubSync(store, upstream, desiredSink, serial, pool, timer);
    }

    /**
     * Opens (creating if needed) the cache in {@code file} and starts pushing any reported patches a previous run
     * left unsent, if the link is up. The caller still calls {@link #linkRestored()} whenever the link comes up.
     *
     * @param desiredSink where desired patches for local clients go (the protocol head's publishDesired); it is
     *                    called from the cache's threads, one identity at a time in version order, and must not block
     */
    public static DurableTwinCache open(Path file, Upstream upstream, BiConsumer<IdentityKey, ObjectNode> desiredSink,
            Clock clock) {
        DurableTwinCache cache = new DurableTwinCache(TwinStore.open(file), upstream, desiredSink, clock);
        if (upstream.isConnected()) {
            cache.store.read(TwinRows::unsent).forEach(cache.sync::wakePush);
        }
        return cache;
    }

    @Override
    public CompletableFuture<TwinReply> get(IdentityKey who) {
        if (closed) {
            return CompletableFuture.completedFuture(TwinReplies.error(closedError(), clock));
        }
        CompletableFuture<TwinReply> reply;
        if (upstream.isConnected()) {
            reply = serial.submit(who, () -> {
                try {
                    return TwinReplies.twin(sync.fetch(who).after().deviceJson());
                } catch (RuntimeException e) {
                    LOG.debug("twin of {}: GET from the hub failed, answering from the cache: {}", who, e.toString());
                    return fromCache(who);
                }
            });
        } else {
            try {
                reply = CompletableFuture.supplyAsync(() -> fromCache(who), pool);
            } catch (RejectedExecutionException e) {
                reply = CompletableFuture.failedFuture(closedError());
            }
        }
        return reply.exceptionally(e -> TwinReplies.error(e, clock));
    }

    /** The cached twin; for an identity never seen, an empty twin, and a row so the first sync forwards all desired. */
    private TwinReply fromCache(IdentityKey who) {
        CachedTwin row = store.read(rows -> rows.find(who));
        if (row == null) {
            row = HubSync.await(store.write(rows -> {
                CachedTwin existing = rows.find(who);
                if (existing != null) {
                    return existing;
                }
                CachedTwin fresh = CachedTwin.fresh(who);
                rows.save(fresh);
                return fresh;
            }));
        }
        return TwinReplies.twin(row.deviceJson());
    }

    @Override
    public CompletableFuture<TwinReply> patchReported(IdentityKey who, Long expectedVersion, byte[] patch) {
        if (closed) {
            return CompletableFuture.completedFuture(TwinReplies.error(closedError(), clock));
        }
        JsonNode parsed;
        try {
            parsed = Json.parse(patch);
            if (!parsed.isObject()) {
                throw BrinkException.invalid("the reported properties patch must be a JSON object");
            }
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(TwinReplies.error(e, clock));
        }
        ObjectNode body = (ObjectNode) parsed;
        Instant now = clock.instant();
        return store.write(rows -> merge(rows, who, expectedVersion, body, now))
                .thenApply(version -> {
                    sync.wakePush(who);
                    return TwinReplies.patched(version);
                })
                .exceptionally(e -> TwinReplies.error(e, clock));
    }

    /** One writer task: check, validate, merge into the view and the pending patch; returns the new local version. */
    private static long merge(TwinRows rows, IdentityKey who, Long expectedVersion, ObjectNode body, Instant now) {
        CachedTwin row = rows.find(who);
        if (row == null) {
            row = CachedTwin.fresh(who);
        }
        if (expectedVersion != null && expectedVersion != row.localVersion()) {
            throw new BrinkException(ErrorCode.PreconditionFailed, "reported properties are at version "
                    + row.localVersion() + ", not " + expectedVersion);
        }
        // The hub's own rules (keys, values, depth, 32 KB after the merge), applied to what the client sees.
        TwinUpdate update = TwinDocument.of(null, null, row.localReported(), now).patchReported(body, now);
        if (!update.changed()) {
            return row.localVersion(); // like the hub: a no-op bumps nothing
        }
        ObjectNode pending = TwinPatches.combine(row.pending(), TwinPatches.props(body), row.base());
        long version = row.localVersion() + 1;
        rows.save(row.withPending(pending, version));
        return version;
    }

    @Override
    public void desiredFromHub(IdentityKey who, ObjectNode patch) {
        if (closed) {
            return;
        }
        ObjectNode copy = patch.deepCopy();
        serial.submit(who, () -> {
            sync.desired(who, copy);
            return null;
        }).exceptionally(e -> {
            LOG.warn("twin of {}: desired patch {} not handled", who, copy, e);
            return null;
        });
    }

    @Override
    public void linkRestored() {
        if (!closed) {
            sync.linkRestored();
        }
    }

    /**
     * Drops everything cached for {@code who}, unsent reported patches included: for an identity that left this
     * edge's scope (deleted at the hub, or moved to another parent).
     */
    public CompletableFuture<Boolean> forget(IdentityKey who) {
        return serial.submit(who, () -> HubSync.await(store.write(rows -> rows.delete(who))));
    }

    /** Stops the sync threads (a send in progress is abandoned; it stays in the outbox), then closes the file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(HubSync.CALL_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS)) {
                LOG.warn("twin cache sync threads did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    private static BrinkException closedError() {
        return new BrinkException(ErrorCode.ServiceUnavailable, "The twin cache is closed");
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
