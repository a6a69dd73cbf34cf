package dev.brink.hub.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.twin.TwinDocument;
import dev.brink.core.twin.TwinUpdate;
import dev.brink.hub.registry.Await;
import dev.brink.hub.registry.ETags;
import dev.brink.hub.registry.Identity;
import dev.brink.hub.registry.IdentityKey;
import dev.brink.hub.registry.RegistryService;
import dev.brink.hub.store.HubStore;
import dev.brink.hub.store.StoreTransaction;
import dev.brink.hub.store.StoreView;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twin operations for the service API (get, PATCH, PUT) and the device endpoint (reported patch).
 * Each read-modify-write is one store write task, so concurrent writers are serialised by the store
 * and no update is lost. Desired-property listeners fire after the commit is durable, never before:
 * a device is never told about a change that a crash could undo.
 */
public final class TwinService {
    private static final Logger LOG = LoggerFactory.getLogger(TwinService.class);

    private final HubStore store;
    private final Clock clock;
    private final List<BiConsumer<IdentityKey, ObjectNode>> desiredListeners = new CopyOnWriteArrayList<>();

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
    public ObjectNode patchTwin(IdentityKey key, JsonNode body, String ifMatch) {
        requireObject(body);
        return update(key, ifMatch, (twin, now) -> twin.applyServicePatch(body, now));
    }

    /** PUT /twins/...: replaces tags and desired properties; returns the new service-side twin. */
    public ObjectNode replaceTwin(IdentityKey key, JsonNode body, String ifMatch) {
        requireObject(body);
        return update(key, ifMatch, (twin, now) -> twin.applyServiceReplace(body, now));
    }

    /**
     * Merge-patches the reported properties (device endpoint, issue 3).
     *
     * @param now the time to record in {@code $metadata}; null means the hub clock
     * @return the new reported {@code $version}
     */
    public long patchReported(IdentityKey key, JsonNode patch, Instant now) {
        Instant at = now == null ? clock.instant() : now;
        return Await.result(store.write(tx -> {
            requireIdentity(tx, key);
            TwinUpdate update = document(tx, key).patchReported(patch, at);
            if (update.changed()) {
                tx.twins().put(key, update.twin());
            }
            return update.twin().reportedVersion();
        }));
    }

    /** Tells the listeners about a committed desired change (also used by applyConfigurationContent). */
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

    private ObjectNode update(IdentityKey key, String ifMatch, Change change) {
        Result result = Await.result(store.write(tx -> apply(tx, key, ifMatch, change)));
        notifyDesired(key, result.desiredPatch());
        return result.twin();
    }

    private Result apply(StoreTransaction tx, IdentityKey key, String ifMatch, Change change) {
        Identity identity = requireIdentity(tx, key);
        TwinDocument current = document(tx, key);
        ETags.require(ifMatch, current.etag(), "the twin of " + key);
        TwinUpdate update = change.apply(current, clock.instant());
        if (update.changed()) {
            tx.twins().put(key, update.twin());
        }
        return new Result(TwinJson.compose(identity, update.twin()), update.changed() ? update.desiredPatch() : null);
    }

    private static void requireObject(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw BrinkException.invalid("the twin body must be a JSON object");
        }
    }

    @FunctionalInterface
    private interface Change {
        TwinUpdate apply(TwinDocument twin, Instant now);
    }

    private record Result(ObjectNode twin, ObjectNode desiredPatch) {
    }
}
