package dev.brink.hub.configuration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.twin.TwinDocument;
import dev.brink.core.twin.TwinUpdate;
import dev.brink.hub.configuration.ConfigurationContent.DesiredContent;
import dev.brink.hub.registry.Await;
import dev.brink.hub.registry.IdentityKey;
import dev.brink.hub.registry.RegistryService;
import dev.brink.hub.store.HubStore;
import dev.brink.hub.store.StoreTransaction;
import dev.brink.hub.twin.TwinService;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /devices/{d}/applyConfigurationContent} — how a deployment reaches an edge device: each
 * {@code modulesContent} entry becomes that module twin's entire desired properties, creating the module
 * identity when missing. All twins change in one transaction (a deployment is applied whole or not at
 * all); desired listeners fire after the commit.
 */
public final class ConfigurationService {
    private final HubStore store;
    private final RegistryService registry;
    private final TwinService twins;
    private final Clock clock;

    public ConfigurationService(HubStore store, RegistryService registry, TwinService twins, Clock clock) {
        this.store = store;
        this.registry = registry;
        this.twins = twins;
        this.clock = clock;
    }

    /** Validates the body (400004 naming the bad entry), then applies it; 404001 when the device is missing. */
    public void applyConfigurationContent(String deviceId, JsonNode body) {
        ConfigurationContent content = ConfigurationContent.parse(body);
        List<Notification> notifications = Await.result(store.write(tx -> apply(tx, deviceId, content)));
        for (Notification n : notifications) {
            twins.notifyDesired(n.key(), n.desiredPatch());
        }
    }

    private List<Notification> apply(StoreTransaction tx, String deviceId, ConfigurationContent content) {
        RegistryService.requireDevice(tx, deviceId);
        Instant now = clock.instant();
        List<Notification> notifications = new ArrayList<>();
        if (content.device() != null) {
            write(tx, IdentityKey.device(deviceId), content.device(), now, notifications);
        }
        for (Map.Entry<String, DesiredContent> e : content.modules().entrySet()) {
            IdentityKey key = IdentityKey.module(deviceId, e.getKey());
            if (tx.registry().find(key).isEmpty()) {
                registry.createModuleInTransaction(tx, key, RegistryService.MANAGED_BY_EDGE);
            }
            write(tx, key, e.getValue(), now, notifications);
        }
        return notifications;
    }

    private static void write(StoreTransaction tx, IdentityKey key, DesiredContent content, Instant now,
            List<Notification> notifications) {
        TwinDocument twin = TwinService.document(tx, key);
        JsonNode current = twin.propertiesJson().path("desired");
        ObjectNode desired = ConfigurationContent.resolve(content,
                current.isObject() ? (ObjectNode) current : ConfigurationContent.emptyDesired());
        TwinUpdate update = twin.replaceDesired(desired, now);
        if (update.changed()) {
            tx.twins().put(key, update.twin());
            if (update.desiredPatch() != null) {
                notifications.add(new Notification(key, update.desiredPatch()));
            }
        }
    }

    private record Notification(IdentityKey key, ObjectNode desiredPatch) {
    }
}
