package dev.brink.hub.configuration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.twin.TwinDocument;
import dev.brink.core.twin.TwinUpdate;
import dev.brink.hub.configuration.ConfigurationContent.DesiredContent;
import dev.brink.hub.registry.Await;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.registry.RegistryService;
import dev.brink.hub.store.HubStore;
import dev.brink.hub.store.StoreTransaction;
import dev.brink.hub.twin.DesiredChanges;
import dev.brink.hub.twin.TwinService;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /devices/{d}/applyConfigurationContent} — how a deployment reaches an edge device: each
 * {@code modulesContent} entry becomes that module twin's entire desired properties, creating the module
 * identity when missing. All twins change in one transaction (a deployment is applied whole or not at
 * all); desired listeners fire after the commit, in commit order ({@link TwinService#writeNotifying}).
 */
public final class ConfigurationService {
    private final RegistryService registry;
    private final TwinService twins;
    private final Clock clock;

    /** {@code store} is the one {@code twins} writes to: the write goes through TwinService for its notifications. */
    public ConfigurationService(HubStore store, RegistryService registry, TwinService twins, Clock clock) {
        this.registry = registry;
        this.twins = twins;
        this.clock = clock;
    }

    /**
     * Validates the body (400004 naming the bad entry), then applies it; 404001 when the device is missing.
     * Completes once the change is durable and the desired listeners have heard it.
     */
    public CompletableFuture<Void> applyConfigurationContentAsync(String deviceId, JsonNode body) {
        return Await.start(() -> {
            ConfigurationContent content = ConfigurationContent.parse(body);
            return twins.writeNotifying((tx, desired) -> apply(tx, deviceId, content, desired));
        });
    }

    private Void apply(StoreTransaction tx, String deviceId, ConfigurationContent content, DesiredChanges desired) {
        RegistryService.requireDevice(tx, deviceId);
        Instant now = clock.instant();
        if (content.device() != null) {
            write(tx, IdentityKey.device(deviceId), content.device(), now, desired);
        }
        for (Map.Entry<String, DesiredContent> e : content.modules().entrySet()) {
            IdentityKey key = IdentityKey.module(deviceId, e.getKey());
            if (tx.registry().find(key).isEmpty()) {
                registry.createModuleInTransaction(tx, key, RegistryService.MANAGED_BY_EDGE);
            }
            write(tx, key, e.getValue(), now, desired);
        }
        return null;
    }

    private static void write(StoreTransaction tx, IdentityKey key, DesiredContent content, Instant now,
            DesiredChanges desired) {
        TwinDocument twin = TwinService.document(tx, key);
        JsonNode current = twin.propertiesJson().path("desired");
        ObjectNode replacement = ConfigurationContent.resolve(content,
                current.isObject() ? (ObjectNode) current : ConfigurationContent.emptyDesired());
        TwinUpdate update = twin.replaceDesired(replacement, now);
        if (update.changed()) {
            tx.twins().put(key, update.twin());
            desired.add(key, update.desiredPatch());
        }
    }
}
