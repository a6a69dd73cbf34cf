package dev.brink.edge.hub.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.IdentityKey;
import dev.brink.edge.hub.upstream.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the twin cache says to the hub: fetching twins, applying or resyncing desired properties and pushing
 * the reported outbox. All of it runs in the identity's {@link SerialQueues} FIFO, so for one twin there is only
 * ever one conversation with the hub. Failures back off from 1 s to 60 s (one timer for the whole cache) and
 * {@link #linkRestored()} retries at once.
 */
final class HubSync {
    private static final Logger LOG = LoggerFactory.getLogger(HubSync.class);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    static final long MIN_BACKOFF_MS = 1_000;
    static final long MAX_BACKOFF_MS = 60_000;

    /** The row before and after storing a twin fetched from the hub. */
    record Fetched(CachedTwin before, CachedTwin after) {
    }

    private final TwinStore store;
    private final Upstream upstream;
    private final BiConsumer<IdentityKey, ObjectNode> sink;
    private final SerialQueues serial;
    private final Executor pool;
    private final ScheduledExecutorService timer;
    private final Set<IdentityKey> pushQueued = ConcurrentHashMap.newKeySet();
    private final Set<IdentityKey> resyncNeeded = ConcurrentHashMap.newKeySet();
    private long backoffMs = MIN_BACKOFF_MS;
    private boolean retryScheduled;

    HubSync(TwinStore store, Upstream upstream, BiConsumer<IdentityKey, ObjectNode> sink, SerialQueues serial,
            Executor pool, ScheduledExecutorService timer) {
        this.store = store;
        this.upstream = upstream;
        this.sink = sink;
        this.serial = serial;
        this.pool = pool;
        this.timer = timer;
    }

    // ---- fetching and desired properties (callers run these in the identity's FIFO) -----------------------

    /** Fetches the hub's twin and stores it in place of the cached copy (the hub wins; unsent patches stay). */
    Fetched fetch(IdentityKey who) {
        JsonNode twin = await(upstream.getTwin(who));
        if (!(twin != null && twin.get("desired") instanceof ObjectNode desired
                && twin.get("reported") instanceof ObjectNode reported)) {
            throw new BrinkException(ErrorCode.ServerError, "the hub's twin of " + who + " has no desired/reported");
        }
        return await(store.write(rows -> {
            CachedTwin before = rows.find(who);
            CachedTwin after = (before == null ? CachedTwin.fresh(who) : before).withHubTwin(desired, reported);
            rows.save(after);
            return new Fetched(before, after);
        }));
    }

    /**
     * Full sync: fetch, store, and forward the difference between the old cached desired properties and the hub's
     * (removed keys as null) as one patch with the hub's {@code $version}, if there is any difference. A lower
     * hub version than the cached one means the identity was recreated: its desired properties simply replace ours.
     */
    void fullSync(IdentityKey who) {
        Fetched f = fetch(who);
        resyncNeeded.remove(who);
        ObjectNode old = f.before() == null ? null : f.before().desired();
        ObjectNode now = f.after().desired();
        long newVersion = TwinPatches.version(now);
        if (old != null && newVersion < TwinPatches.version(old)) {
            LOG.info("twin of {}: the hub's desired $version {} is below the cached {}: identity recreated, the hub's"
                    + " twin replaces the cache", who, newVersion, TwinPatches.version(old));
        }
        ObjectNode diff = TwinPatches.diff(TwinPatches.props(old), TwinPatches.props(now));
        if (!diff.isEmpty()) {
            diff.set("$version", TwinPatches.number(newVersion));
            forward(who, diff);
        }
    }

    /** A desired patch from the hub: applied if it is the next version, ignored if already seen, else a full sync. */
    void desired(IdentityKey who, ObjectNode patch) {
        CachedTwin row = store.read(rows -> rows.find(who));
        long version = TwinPatches.version(patch);
        if (row == null || row.desired() == null || version < 0) {
            syncOrRetry(who);
            return;
        }
        long cached = TwinPatches.version(row.desired());
        if (version == cached) {
            return; // already applied (a full sync raced ahead of the push)
        }
        if (version != cached + 1) {
            LOG.debug("twin of {}: desired $version {} after cached {}: full sync", who, version, cached);
            syncOrRetry(who);
            return;
        }
        ObjectNode merged = TwinPatches.section(TwinPatches.apply(TwinPatches.props(row.desired()),
                TwinPatches.props(patch)), version);
        boolean stored = await(store.write(rows -> {
            CachedTwin current = rows.find(who);
            if (current == null) {
                return false;
            }
            rows.save(current.withDesired(merged));
            return true;
        }));
        if (stored) {
            forward(who, patch.deepCopy());
        }
    }

    /** A full sync; when it fails (link down, timeout) the identity is resynced on the next retry or link-up. */
    void syncOrRetry(IdentityKey who) {
        try {
            fullSync(who);
        } catch (RuntimeException e) {
            LOG.debug("twin of {}: full sync failed, will retry: {}", who, e.toString());
            resyncNeeded.add(who);
            scheduleRetry();
        }
    }

    private void forward(IdentityKey who, ObjectNode patch) {
        try {
            sink.accept(who, patch);
        } catch (RuntimeException e) {
            LOG.warn("twin of {}: forwarding a desired patch to the client failed", who, e);
        }
    }

    // ---- the reported outbox ------------------------------------------------------------------------------

    /** Queues one push of {@code who}'s unsent reported patch (at most one queued push per identity). */
    void wakePush(IdentityKey who) {
        if (pushQueued.add(who)) {
            serial.submit(who, () -> {
                pushQueued.remove(who); // a patch arriving during this send queues the next push
                push(who);
                return null;
            }).exceptionally(e -> {
                LOG.debug("twin of {}: reported push failed: {}", who, e.toString());
                return null;
            });
        }
    }

    /**
     * Sends the cumulative reported patch: pending → in-flight (durably), send, then fold the in-flight patch into
     * the hub's copy and clear it. Patches that arrived meanwhile stay pending for the next push. A crash between
     * sending and clearing resends the same patch, which is harmless: a merge patch applied twice is applied once.
     */
    private void push(IdentityKey who) {
        if (!upstream.isConnected()) {
            scheduleRetry();
            return;
        }
        CachedTwin sending = await(store.write(rows -> {
            CachedTwin row = rows.find(who);
            if (row == null) {
                return null;
            }
            CachedTwin started = row.startSend();
            if (started != row) {
                rows.save(started);
            }
            return started;
        }));
        if (sending == null || sending.inflight() == null) {
            return;
        }
        long version;
        try {
            version = await(upstream.patchReported(who, sending.inflight().deepCopy()));
        } catch (RuntimeException e) {
            if (refusedForGood(e)) {
                LOG.warn("twin of {}: the hub refused the reported patch {}; dropping it", who, sending.inflight(), e);
                await(store.write(rows -> update(rows, who, CachedTwin::dropInflight)));
                wakePush(who);
            } else {
                LOG.debug("twin of {}: reported push failed, will retry: {}", who, e.toString());
                scheduleRetry();
            }
            return;
        }
        CachedTwin after = await(store.write(rows -> update(rows, who, row -> row.landed(version))));
        resetBackoff();
        if (after != null && after.pending() != null) {
            wakePush(who);
        }
    }

    private static CachedTwin update(TwinRows rows, IdentityKey who, UnaryOperator<CachedTwin> f) {
        CachedTwin row = rows.find(who);
        if (row == null || row.inflight() == null) {
            return row;
        }
        CachedTwin next = f.apply(row);
        rows.save(next);
        return next;
    }

    /** A 400/413 from the hub will never change by retrying; anything else (link, timeout, 5xx, 404…) might. */
    private static boolean refusedForGood(Throwable e) {
        Throwable cause = TwinReplies.unwrap(e);
        return cause instanceof BrinkException be
                && (be.errorCode().httpStatus() == 400 || be.errorCode().httpStatus() == 413);
    }

    // ---- link and retries ---------------------------------------------------------------------------------

    /** The link is up: pushes of every unsent patch first, then a full sync of every cached identity. */
    void linkRestored() {
        resetBackoff();
        runQuietly(() -> {
            List<IdentityKey> unsent = store.read(TwinRows::unsent);
            List<IdentityKey> all = store.read(TwinRows::all);
            unsent.forEach(this::wakePush);
            all.forEach(this::queueSync);
        });
    }

    private void queueSync(IdentityKey who) {
        serial.submit(who, () -> {
            syncOrRetry(who);
            return null;
        });
    }

    private synchronized void scheduleRetry() {
        if (retryScheduled || timer.isShutdown()) {
            return;
        }
        retryScheduled = true;
        long delay = backoffMs;
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        try {
            timer.schedule(() -> runQuietly(this::retry), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            retryScheduled = false;
        }
    }

    private synchronized void resetBackoff() {
        backoffMs = MIN_BACKOFF_MS;
    }

    private void retry() {
        synchronized (this) {
            retryScheduled = false;
        }
        List<IdentityKey> unsent = store.read(TwinRows::unsent);
        if (unsent.isEmpty() && resyncNeeded.isEmpty()) {
            return;
        }
        if (!upstream.isConnected()) {
            scheduleRetry(); // linkRestored() will be faster; this is the safety net
            return;
        }
        unsent.forEach(this::wakePush);
        List.copyOf(resyncNeeded).forEach(this::queueSync);
    }

    private void runQuietly(Runnable r) {
        try {
            pool.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("twin cache sync pass failed", e);
                }
            });
        } catch (RejectedExecutionException closed) {
            // closing
        }
    }

    /** Waits for a hub call or a store write, at most {@link #CALL_TIMEOUT}; failures come out as BrinkExceptions. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new BrinkException(ErrorCode.GatewayTimeout, "no answer within " + CALL_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = TwinReplies.unwrap(e);
            throw cause instanceof RuntimeException re ? re
                    : new BrinkException(ErrorCode.ServiceUnavailable, String.valueOf(cause.getMessage()), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrinkException(ErrorCode.ServiceUnavailable, "interrupted");
        }
    }
}
