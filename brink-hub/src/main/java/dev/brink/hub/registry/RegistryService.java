package dev.brink.hub.registry;

import dev.brink.core.id.IdentityKey;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.Ids;
import dev.brink.core.sas.Keys;
import dev.brink.core.twin.TwinDocument;
import dev.brink.hub.store.HubStore;
import dev.brink.hub.store.HubStore.WriteTask;
import dev.brink.hub.store.RegistryRepository.DeviceCounts;
import dev.brink.hub.store.StoreTransaction;
import dev.brink.hub.store.StoreView;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Device and module identities: IoT Hub's PUT/GET/DELETE semantics (reference §6.1). Every
 * read-modify-write runs inside one store write task, so checks (exists, etag, quota) and the change
 * commit together. Creating an identity also creates its empty twin; creating an edge device also
 * creates its {@code $edgeAgent} and {@code $edgeHub} modules and their twins, in the same transaction.
 * Writes return futures that complete once the change is durable (validation failures included, as failed
 * futures); reads run on the caller's thread and block, so call them (and the blocking wrappers) off the
 * event loop.
 */
public final class RegistryService {
    public static final int MAX_MODULES_PER_DEVICE = 50;
    public static final int MAX_LIST = 1000;
    public static final String EDGE_AGENT = "$edgeAgent";
    public static final String EDGE_HUB = "$edgeHub";
    /** What IoT Hub puts in {@code managedBy} for modules deployed by IoT Edge. */
    public static final String MANAGED_BY_EDGE = "iotEdge";

    private final HubStore store;
    private final Clock clock;

    public RegistryService(HubStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    // ---- devices ----

    /**
     * PUT /devices/{id}: without If-Match a create (409001 if it exists); with {@code *} or an etag an
     * update (404001 if missing, 412001 on a stale etag).
     */
    public CompletableFuture<Identity> putDeviceAsync(String deviceId, JsonNode body, String ifMatch) {
        return Await.start(() -> {
            Ids.requireValidDeviceId(deviceId);
            IdentityKey key = IdentityKey.device(deviceId);
            return store.write(putDeviceTask(key, IdentityRequest.parse(key, body), ifMatch));
        });
    }

    /** Blocking {@link #putDeviceAsync} (tests and tools): call it off the event loop. */
    public Identity putDevice(String deviceId, JsonNode body, String ifMatch) {
        return Await.result(putDeviceAsync(deviceId, body, ifMatch));
    }

    private WriteTask<Identity> putDeviceTask(IdentityKey key, IdentityRequest req, String ifMatch) {
        String deviceId = key.deviceId();
        boolean create = ifMatch == null || ifMatch.isBlank();
        return tx -> {
            Identity existing = tx.registry().find(key).orElse(null);
            if (create) {
                if (existing != null) {
                    throw new BrinkException(ErrorCode.DeviceAlreadyExists, "device " + deviceId + " already exists");
                }
                return createDevice(tx, key, req);
            }
            if (existing == null) {
                throw deviceNotFound(deviceId);
            }
            ETags.require(ifMatch, existing.etag(), "device " + deviceId);
            return updateDevice(tx, existing, req);
        };
    }

    public Identity getDevice(String deviceId) {
        IdentityKey key = IdentityKey.device(deviceId);
        return store.read(view -> view.registry().find(key)).orElseThrow(() -> deviceNotFound(deviceId));
    }

    /** Devices ordered by id; {@code top} 1..1000. */
    public List<Identity> listDevices(int top) {
        if (top < 1 || top > MAX_LIST) {
            throw BrinkException.invalid("top must be between 1 and " + MAX_LIST + ", not " + top);
        }
        return store.read(view -> view.registry().listDevices(null, top));
    }

    /** DELETE /devices/{id}: also deletes its modules and all their twins. */
    public CompletableFuture<Void> deleteDeviceAsync(String deviceId, String ifMatch) {
        return delete(IdentityKey.device(deviceId), ifMatch);
    }

    public DeviceCounts statistics() {
        return store.read(view -> view.registry().countDevices());
    }

    // ---- modules ----

    /** PUT /devices/{d}/modules/{m}, same If-Match rules as devices (409301 / 404010). */
    public CompletableFuture<Identity> putModuleAsync(String deviceId, String moduleId, JsonNode body,
            String ifMatch) {
        return Await.start(() -> {
            Ids.requireValidDeviceId(deviceId);
            Ids.requireValidModuleId(moduleId);
            IdentityKey key = IdentityKey.module(deviceId, moduleId);
            return store.write(putModuleTask(key, IdentityRequest.parse(key, body), ifMatch));
        });
    }

    /** Blocking {@link #putModuleAsync} (tests and tools): call it off the event loop. */
    public Identity putModule(String deviceId, String moduleId, JsonNode body, String ifMatch) {
        return Await.result(putModuleAsync(deviceId, moduleId, body, ifMatch));
    }

    private WriteTask<Identity> putModuleTask(IdentityKey key, IdentityRequest req, String ifMatch) {
        String deviceId = key.deviceId();
        String moduleId = key.moduleId();
        boolean create = ifMatch == null || ifMatch.isBlank();
        return tx -> {
            requireDevice(tx, deviceId);
            Identity existing = tx.registry().find(key).orElse(null);
            if (create) {
                if (existing != null) {
                    throw new BrinkException(ErrorCode.ModuleAlreadyExistsOnDevice,
                            "module " + moduleId + " already exists on device " + deviceId);
                }
                return createModule(tx, key, req);
            }
            if (existing == null) {
                throw moduleNotFound(key);
            }
            ETags.require(ifMatch, existing.etag(), "module " + key);
            return updateModule(tx, existing, req);
        };
    }

    public Identity getModule(String deviceId, String moduleId) {
        IdentityKey key = IdentityKey.module(deviceId, moduleId);
        return store.read(view -> view.registry().find(key)).orElseThrow(() -> moduleNotFound(key));
    }

    /** The modules of a device (404001 when the device does not exist). */
    public List<Identity> listModules(String deviceId) {
        return store.read(view -> {
            requireDevice(view, deviceId);
            return view.registry().listModules(deviceId);
        });
    }

    public CompletableFuture<Void> deleteModuleAsync(String deviceId, String moduleId, String ifMatch) {
        return delete(IdentityKey.module(deviceId, moduleId), ifMatch);
    }

    /**
     * Creates a module identity and its empty twin inside the caller's transaction (used by
     * applyConfigurationContent). The device must exist; the 50-module quota applies.
     */
    public Identity createModuleInTransaction(StoreTransaction tx, IdentityKey key, String managedBy) {
        Ids.requireValidModuleId(key.moduleId());
        IdentityRequest req = new IdentityRequest(null, null, null, null, null, null, null, null, managedBy,
                null, null);
        return createModule(tx, key, req);
    }

    /** Throws 404001 unless the device exists. */
    public static Identity requireDevice(StoreView view, String deviceId) {
        return view.registry().find(IdentityKey.device(deviceId)).orElseThrow(() -> deviceNotFound(deviceId));
    }

    public static BrinkException deviceNotFound(String deviceId) {
        return new BrinkException(ErrorCode.DeviceNotFound, "device " + deviceId + " not found");
    }

    public static BrinkException moduleNotFound(IdentityKey key) {
        return new BrinkException(ErrorCode.ModuleNotFound,
                "module " + key.moduleId() + " not found on device " + key.deviceId());
    }

    /** The device scope of an edge device: {@code ms-azure-iot-edge://{deviceId}-{generationId}}. */
    public static String edgeScope(String deviceId, String generationId) {
        return EdgeScopes.PREFIX + deviceId + "-" + generationId;
    }

    // ---- connection state (device endpoint, issue 3) ----

    /**
     * A connection-state or activity change of one identity, reported by the device endpoint. Null fields
     * leave the stored value unchanged.
     */
    public record ConnectionUpdate(IdentityKey key, String connectionState, Instant connectionStateUpdatedTime,
            Instant lastActivityTime) {
    }

    /**
     * Applies a batch of connection updates in one write (the endpoint batches them, so that telemetry never
     * writes the registry per message). Unknown identities are skipped. The etag is NOT changed: connection
     * state is read-only for the service API, and a device's etag must survive its reconnects.
     */
    public CompletableFuture<Void> updateConnections(java.util.Collection<ConnectionUpdate> updates) {
        return store.write(tx -> {
            for (ConnectionUpdate u : updates) {
                tx.registry().find(u.key()).ifPresent(old -> tx.registry().put(new Identity(old.key(),
                        old.generationId(), old.etag(), old.status(), old.statusReason(), old.statusUpdatedTime(),
                        old.authType(), old.primaryKey(), old.secondaryKey(), old.primaryThumbprint(),
                        old.secondaryThumbprint(), old.iotEdge(), old.managedBy(), old.deviceScope(),
                        old.parentScopes(),
                        u.connectionState() == null ? old.connectionState() : u.connectionState(),
                        u.connectionStateUpdatedTime() == null ? old.connectionStateUpdatedTime()
                                : u.connectionStateUpdatedTime(),
                        u.lastActivityTime() == null ? old.lastActivityTime() : u.lastActivityTime(),
                        old.cloudToDeviceMessageCount())));
            }
            return null;
        });
    }

    // ---- internals ----

    private CompletableFuture<Void> delete(IdentityKey key, String ifMatch) {
        return store.write(tx -> {
            Identity existing = tx.registry().find(key)
                    .orElseThrow(() -> key.isModule() ? moduleNotFound(key) : deviceNotFound(key.deviceId()));
            ETags.require(ifMatch, existing.etag(), key.isModule() ? "module " + key : "device " + key.deviceId());
            // Persistent MQTT sessions (client id {d} or {d}/{m}) go with the identity: one re-created with
            // the same id must start without the old subscriptions.
            if (!key.isModule()) {
                tx.registry().listModules(key.deviceId())
                        .forEach(m -> tx.sessions().delete(key.deviceId() + "/" + m.key().moduleId()));
            }
            tx.sessions().delete(key.isModule() ? key.deviceId() + "/" + key.moduleId() : key.deviceId());
            tx.twins().delete(key);
            tx.registry().delete(key);
            return null;
        });
    }

    private Identity createDevice(StoreTransaction tx, IdentityKey key, IdentityRequest req) {
        Instant now = clock.instant();
        String generationId = Keys.newGenerationId();
        boolean edge = Boolean.TRUE.equals(req.iotEdge());
        List<String> parents = EdgeScopes.requireParents(tx, key.deviceId(), edge, req, List.of());
        Auth auth = Auth.resolve(req, null);
        Identity identity = new Identity(key, generationId, newEtag(null),
                req.status() == null ? Identity.ENABLED : req.status(), req.statusReason(), now,
                auth.type(), auth.primaryKey(), auth.secondaryKey(), auth.primaryThumbprint(),
                auth.secondaryThumbprint(), edge, null,
                scope(key.deviceId(), generationId, edge, parents), parents,
                Identity.DISCONNECTED, null, null, 0);
        tx.registry().put(identity);
        tx.twins().put(key, TwinDocument.empty());
        if (edge) {
            ensureEdgeSystemModules(tx, key.deviceId());
        }
        return identity;
    }

    private Identity updateDevice(StoreTransaction tx, Identity old, IdentityRequest req) {
        String deviceId = old.key().deviceId();
        boolean edge = req.iotEdge() == null ? old.iotEdge() : req.iotEdge();
        List<String> parents = EdgeScopes.requireParents(tx, deviceId, edge, req, old.parentScopes());
        String status = req.status() == null ? old.status() : req.status();
        Instant statusTime = status.equals(old.status()) ? old.statusUpdatedTime() : clock.instant();
        Auth auth = Auth.resolve(req, old);
        Identity identity = new Identity(old.key(), old.generationId(), newEtag(old.etag()), status,
                req.statusReason() == null ? old.statusReason() : req.statusReason(), statusTime, auth.type(), auth.primaryKey(), auth.secondaryKey(),
                auth.primaryThumbprint(), auth.secondaryThumbprint(), edge, old.managedBy(),
                scope(deviceId, old.generationId(), edge, parents), parents, old.connectionState(),
                old.connectionStateUpdatedTime(), old.lastActivityTime(), old.cloudToDeviceMessageCount());
        tx.registry().put(identity);
        if (edge && !old.iotEdge()) {
            ensureEdgeSystemModules(tx, deviceId);
        }
        return identity;
    }

    private static String scope(String deviceId, String generationId, boolean edge, List<String> parents) {
        if (edge) {
            return edgeScope(deviceId, generationId);
        }
        // A leaf device in an edge's scope carries that edge's scope as its own (IoT Hub does the same).
        return parents.isEmpty() ? null : parents.get(0);
    }

    private void ensureEdgeSystemModules(StoreTransaction tx, String deviceId) {
        for (String moduleId : List.of(EDGE_AGENT, EDGE_HUB)) {
            IdentityKey key = IdentityKey.module(deviceId, moduleId);
            if (tx.registry().find(key).isEmpty()) {
                createModuleInTransaction(tx, key, MANAGED_BY_EDGE);
            }
        }
    }

    private Identity createModule(StoreTransaction tx, IdentityKey key, IdentityRequest req) {
        if (tx.registry().listModules(key.deviceId()).size() >= MAX_MODULES_PER_DEVICE) {
            throw new BrinkException(ErrorCode.IotHubQuotaExceeded, "device " + key.deviceId()
                    + " already has the maximum of " + MAX_MODULES_PER_DEVICE + " modules");
        }
        Auth auth = Auth.resolve(req, null);
        Identity identity = new Identity(key, Keys.newGenerationId(), newEtag(null), Identity.ENABLED, null,
                null, auth.type(), auth.primaryKey(), auth.secondaryKey(), auth.primaryThumbprint(),
                auth.secondaryThumbprint(), false, req.managedBy(), null, List.of(), Identity.DISCONNECTED,
                null, null, 0);
        tx.registry().put(identity);
        tx.twins().put(key, TwinDocument.empty());
        return identity;
    }

    private Identity updateModule(StoreTransaction tx, Identity old, IdentityRequest req) {
        Auth auth = Auth.resolve(req, old);
        Identity identity = new Identity(old.key(), old.generationId(), newEtag(old.etag()), old.status(),
                old.statusReason(), old.statusUpdatedTime(), auth.type(), auth.primaryKey(), auth.secondaryKey(),
                auth.primaryThumbprint(), auth.secondaryThumbprint(), false,
                req.managedBy() == null ? old.managedBy() : req.managedBy(), old.deviceScope(),
                old.parentScopes(), old.connectionState(), old.connectionStateUpdatedTime(),
                old.lastActivityTime(), old.cloudToDeviceMessageCount());
        tx.registry().put(identity);
        return identity;
    }

    /** An opaque identity etag in IoT Hub's style (base64 of a decimal number); never equal to the old one. */
    static String newEtag(String old) {
        while (true) {
            long n = ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE);
            String etag = Base64.getEncoder().encodeToString(Long.toString(n).getBytes(StandardCharsets.US_ASCII));
            if (!etag.equals(old)) {
                return etag;
            }
        }
    }

    /** The resolved authentication of an identity. */
    private record Auth(String type, String primaryKey, String secondaryKey, String primaryThumbprint,
            String secondaryThumbprint) {

        static Auth resolve(IdentityRequest req, Identity old) {
            String type = req.authType() != null ? req.authType()
                    : old != null ? old.authType() : IdentityRequest.SAS;
            boolean keepOld = old != null && type.equals(old.authType());
            switch (type) {
                case IdentityRequest.SAS -> {
                    String p = req.primaryKey() != null ? req.primaryKey()
                            : keepOld ? old.primaryKey() : Keys.generateKey();
                    String s = req.secondaryKey() != null ? req.secondaryKey()
                            : keepOld ? old.secondaryKey() : Keys.generateKey();
                    return new Auth(type, p, s, null, null);
                }
                case IdentityRequest.SELF_SIGNED -> {
                    String p = req.primaryThumbprint() != null ? req.primaryThumbprint()
                            : keepOld ? old.primaryThumbprint() : null;
                    String s = req.secondaryThumbprint() != null ? req.secondaryThumbprint()
                            : keepOld ? old.secondaryThumbprint() : null;
                    if (p == null && s == null) {
                        throw BrinkException.invalid("selfSigned authentication needs "
                                + "authentication.x509Thumbprint.primaryThumbprint");
                    }
                    return new Auth(type, null, null, p, s);
                }
                default -> {
                    return new Auth(type, null, null, null, null);
                }
            }
        }
    }
}
