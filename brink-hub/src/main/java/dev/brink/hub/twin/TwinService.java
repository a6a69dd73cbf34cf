package dev.brink.hub.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.twin.TwinDocument;
import dev.brink.core.twin.TwinUpdate;
import dev.brink.hub.registry.Await;
import dev.brink.hub.registry.ETags;
import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.registry.RegistryService;
import dev.brink.hub.store.HubStore;
import dev.brink.hub.store.StoreTransaction;
import dev.brink.hub.store.StoreView;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twin operations for the service API (get, PATCH, PUT) and the device endpoint (reported patch).
 * Each read-modify-write is one store write task, so concurrent writers are serialised by the store
 * and no update is lost. Writes are asynchronous: their futures complete after the durable commit and
 * hold no thread meanwhile (the blocking wrappers are for callers that already run off the event loop).
 * Desired-property listeners fire after the commit is durable, never before (a device is never told about
 * a change that a crash could undo), exactly once and in commit order ({@link DesiredOutbox}).
 */
public final class TwinService {
    private static final Logger LOG = LoggerFactory.getLogger(TwinService.class);

    private final HubStore store;
    private final Clock clock;
    private final List<BiConsumer<IdentityKey, ObjectNode>> desiredListeners = new CopyOnWriteArrayList<>();
    private final DesiredOutbox outbox = new DesiredOutbox(this::notifyDesired);

    public TwinService(HubStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Called with the effective desired patch (including {@code $version}) after each durable change. */
    public void addDesiredListener(BiConsumer<IdentityKey, ObjectNode> listener) {
        desiredListeners.add(listener);
    }

    /** The service-side twin JSON (404001 / 404010 when the identity does not exist). */
    public ObjectNode getTwin(IdentityKey key) {
        return store.read(view -> TwinJson.compose(requireIdentity(view, key), document(view, key)));
    }

    /** The twin document itself (for the device endpoint's GET). */
    public TwinDocument getDocument(IdentityKey key) {
        return store.read(view -> {
            requireIdentity(view, key);
            return document(view, key);
        });
    }

    /** PATCH /twins/...: merges tags and desired properties; returns the new service-side twin. */
    public CompletableFuture<ObjectNode> patchTwinAsync(IdentityKey key, JsonNode body, String ifMatch) {
        return update(key, body, ifMatch, (twin, now) -> twin.applyServicePatch(body, now));
    }

    /** Blocking {@link #patchTwinAsync} (device endpoint and tests): call it off the event loop. */
    public ObjectNode patchTwin(IdentityKey key, JsonNode body, String ifMatch) {
        return Await.result(patchTwinAsync(key, body, ifMatch));
    }

    /** PUT /twins/...: replaces tags and desired properties; returns the new service-side twin. */
    public CompletableFuture<ObjectNode> replaceTwinAsync(IdentityKey key, JsonNode body, String ifMatch) {
        return update(key, body, ifMatch, (twin, now) -> twin.applyServiceReplace(body, now));
    }

    /**
     * Merge-patches the reported properties (device endpoint, issue 3).
     *
     * @param now the time to record in {@code $metadata}; null means the hub clock
     * @return the new reported {@code $version}, once durable
     */
    public CompletableFuture<Long> patchReportedAsync(IdentityKey key, JsonNode patch, Instant now) {
        Instant at = now == null ? clock.instant() : now;
        return store.write(tx -> {
            requireIdentity(tx, key);
            TwinUpdate update = document(tx, key).patchReported(patch, at);
            if (update.changed()) {
                tx.twins().put(key, update.twin());
            }
            return update.twin().reportedVersion();
        });
    }

    /** Blocking {@link #patchReportedAsync}: call it off the event loop. */
    public long patchReported(IdentityKey key, JsonNode patch, Instant now) {
        return Await.result(patchReportedAsync(key, patch, now));
    }

    /**
     * Queues a store write whose desired-property changes (recorded with {@link DesiredChanges#add}) the
     * listeners hear after the commit is durable, exactly once, in commit order. The returned future
     * completes with the task's result after those listeners ran, or fails with what the task threw
     * (its changes are then neither stored nor announced).
     */
    public <T> CompletableFuture<T> writeNotifying(NotifyingWriteTask<T> task) {
        DesiredOutbox.Batch batch = new DesiredOutbox.Batch();
        CompletableFuture<T> written = store.write(tx -> {
            T result = task.run(tx, batch.changes());
            outbox.enqueue(batch); // last step, on the writer thread: queue order is commit order
            return result;
        });
        written.whenComplete((result, error) -> outbox.resolve(batch, error == null));
        return batch.delivered().thenCompose(delivered -> written);
    }

    /** A write task that may change desired properties; see {@link #writeNotifying}. */
    @FunctionalInterface
    public interface NotifyingWriteTask<T> {
        T run(StoreTransaction tx, DesiredChanges desired);
    }

    /**
     * Tells the listeners about a committed desired change now. Writers should use {@link #writeNotifying},
     * which also keeps commit order; this is for a caller that committed by other means.
     */
    public void notifyDesired(IdentityKey key, ObjectNode desiredPatch) {
        if (desiredPatch == null) {
            return;
        }
        for (BiConsumer<IdentityKey, ObjectNode> listener : desiredListeners) {
            try {
                listener.accept(key, desiredPatch.deepCopy());
            } catch (RuntimeException e) {
                LOG.warn("desired-property listener failed for {}", key, e);
            }
        }
    }

    /** The identity of {@code key} in this snapshot (404001 / 404010 when absent). */
    public static Identity requireIdentity(StoreView view, IdentityKey key) {
        return view.registry().find(key).orElseThrow(() -> key.isModule()
                ? RegistryService.moduleNotFound(key) : RegistryService.deviceNotFound(key.deviceId()));
    }

    /** The twin of an existing identity; an identity always has one, the fallback only guards old data. */
    public static TwinDocument document(StoreView view, IdentityKey key) {
        return view.twins().find(key).orElseGet(TwinDocument::empty);
    }

    private CompletableFuture<ObjectNode> update(IdentityKey key, JsonNode body, String ifMatch, Change change) {
        if (body == null || !body.isObject()) {
            return CompletableFuture.failedFuture(BrinkException.invalid("the twin body must be a JSON object"));
        }
        // The JSON is composed after the commit, off the writer thread that every write waits for.
        return writeNotifying((tx, desired) -> apply(tx, key, ifMatch, change, desired))
                .thenApply(changed -> TwinJson.compose(changed.identity(), changed.twin()));
    }

    private Changed apply(StoreTransaction tx, IdentityKey key, String ifMatch, Change change,
            DesiredChanges desired) {
        Identity identity = requireIdentity(tx, key);
        TwinDocument current = document(tx, key);
        ETags.require(ifMatch, current.etag(), "the twin of " + key);
        TwinUpdate update = change.apply(current, clock.instant());
        if (update.changed()) {
            tx.twins().put(key, update.twin());
            desired.add(key, update.desiredPatch());
        }
        return new Changed(identity, update.twin());
    }

    @FunctionalInterface
    private interface Change {
        TwinUpdate apply(TwinDocument twin, Instant now);
    }

    /** What a twin write committed: the identity and the twin document (immutable, safe to hand over). */
    private record Changed(Identity identity, TwinDocument twin) {
    }
}
