package dev.brink.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.sas.Keys;
import dev.brink.edge.store.EdgeStore;
import dev.brink.edge.store.EdgeStore.CachedIdentity;
import dev.brink.edge.workload.ModuleKey;
import dev.brink.edge.workload.ModuleKeys;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Module identities in the hub, managed with the edge device's credentials, and their local cache (see
 * agent/README.md, "Identities"). Protocol for {@link #ensure}:
 * <ol>
 *   <li>GET the module. Missing → PUT (create) with {@code managedBy = brink-edge} and no keys: the hub
 *       assigns the {@code generationId} (and throw-away random keys nobody knows).</li>
 *   <li>Derive the keys locally, {@code Keys.deriveModuleKey(deviceKey, moduleId, generationId)} (primary) and
 *       the same over {@code moduleId + ":secondary"}, and PUT them with {@code If-Match: *} unless the hub
 *       already holds exactly them. A crash between the two PUTs is repaired by the next ensure.</li>
 *   <li>Cache {@code (moduleId, generationId, managedBy)}; keys are never stored, they are derived again.</li>
 * </ol>
 * An identity made by the hub for a deployment's module content ({@code managedBy = iotEdge}) is adopted;
 * one with any other {@code managedBy} is not ours: the module is refused, the identity never touched. When
 * the hub cannot be reached, the cached identity is used (offline reboot). Deletes are only ever of
 * identities managed by {@code brink-edge}, and are queued in the store until the hub is reachable.
 */
public final class ModuleIdentities implements ModuleKeys {
    public static final String MANAGED_BY = "brink-edge";
    /** What the hub writes for identities it creates while applying a deployment's module content. */
    static final String HUB_EDGE_MANAGED = "iotedge";
    private static final Logger LOG = LoggerFactory.getLogger(ModuleIdentities.class);

    private final HubIdentityClient hub;
    private final EdgeStore store;
    private final String deviceKey;
    /** The store's identities in memory: the workload API reads them on its event loop, never from SQLite. */
    private final java.util.Map<String, CachedIdentity> cache = new java.util.concurrent.ConcurrentHashMap<>();

    public ModuleIdentities(HubIdentityClient hub, EdgeStore store, String deviceKey) {
        this.hub = hub;
        this.store = store;
        this.deviceKey = deviceKey;
        store.loadIdentities().forEach(i -> cache.put(i.moduleId(), i));
    }

    /** Makes sure the module's identity exists with derived keys; falls back to the cache when offline. */
    public ModuleKey ensure(String moduleId) {
        try {
            CachedIdentity identity = ensureInHub(moduleId);
            store.saveIdentity(identity);
            cache.put(moduleId, identity);
            return keyOf(identity);
        } catch (BrinkException e) {
            Optional<CachedIdentity> cached = Optional.ofNullable(cache.get(moduleId));
            if (e.errorCode() == ErrorCode.ServiceUnavailable && cached.isPresent()) {
                LOG.info("hub unreachable; using the cached identity of module {} ({})", moduleId, e.getMessage());
                return keyOf(cached.get());
            }
            throw e;
        }
    }

    private CachedIdentity ensureInHub(String moduleId) {
        JsonNode module = hub.getModule(moduleId).orElse(null);
        if (module == null) {
            module = hub.createModule(moduleId, MANAGED_BY);
            LOG.info("created the identity of module {} (generation {})", moduleId, module.path("generationId").asText());
        }
        String managedBy = module.path("managedBy").isTextual() ? module.path("managedBy").asText() : null;
        if (!isOurs(managedBy) && !HUB_EDGE_MANAGED.equals(lower(managedBy))) {
            throw new BrinkException(ErrorCode.InvalidOperation, "the identity of module " + moduleId
                    + " exists and is managed by " + (managedBy == null ? "nobody (made by hand)" : "'" + managedBy
                    + "'") + ", not by the edge runtime; it is left untouched: delete it or rename the module");
        }
        String generationId = module.path("generationId").asText();
        String primary = Keys.deriveModuleKey(deviceKey, moduleId, generationId);
        String secondary = Keys.deriveModuleKey(deviceKey, moduleId + ":secondary", generationId);
        JsonNode sym = module.path("authentication").path("symmetricKey");
        if (!isOurs(managedBy) || !primary.equals(sym.path("primaryKey").asText())
                || !secondary.equals(sym.path("secondaryKey").asText())
                || !"sas".equals(module.path("authentication").path("type").asText("sas"))) {
            hub.updateModuleKeys(moduleId, MANAGED_BY, primary, secondary);
        }
        return new CachedIdentity(moduleId, generationId, MANAGED_BY);
    }

    /**
     * Deletes the identity of a removed module if the edge runtime manages it; when the hub is unreachable
     * the delete is queued ({@link #retryPendingDeletes}).
     */
    public void delete(String moduleId) {
        cache.remove(moduleId);
        store.markIdentityForDeletion(moduleId);
        retryPendingDeletes();
    }

    /** Deletes queued identities; stops quietly at the first "hub unreachable". */
    public void retryPendingDeletes() {
        for (String moduleId : store.identitiesToDelete()) {
            try {
                Optional<JsonNode> module = hub.getModule(moduleId);
                String managedBy = module.map(m -> m.path("managedBy").asText(null)).orElse(null);
                if (module.isPresent() && isOurs(managedBy)) {
                    hub.deleteModule(moduleId);
                    LOG.info("deleted the identity of removed module {}", moduleId);
                } else if (module.isPresent()) {
                    LOG.info("not deleting the identity of module {}: managed by {}", moduleId, managedBy);
                }
                store.identityDeleted(moduleId);
            } catch (BrinkException e) {
                if (e.errorCode() == ErrorCode.ServiceUnavailable) {
                    LOG.info("hub unreachable; the identity of module {} will be deleted later", moduleId);
                    return;
                }
                LOG.warn("cannot delete the identity of module {}: {}", moduleId, e.getMessage());
                store.identityDeleted(moduleId);
            }
        }
    }

    /** For the workload API: the cached identity with its derived key. */
    @Override
    public Optional<ModuleKey> find(String moduleName) {
        return Optional.ofNullable(cache.get(moduleName)).map(this::keyOf);
    }

    private ModuleKey keyOf(CachedIdentity identity) {
        return new ModuleKey(identity.moduleId(), identity.generationId(),
                Keys.deriveModuleKey(deviceKey, identity.moduleId(), identity.generationId()));
    }

    private static boolean isOurs(String managedBy) {
        return MANAGED_BY.equals(managedBy);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
