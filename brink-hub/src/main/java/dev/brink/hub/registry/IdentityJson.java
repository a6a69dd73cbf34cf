package dev.brink.hub.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import dev.brink.hub.store.RegistryRepository.DeviceCounts;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The registry's wire shapes (reference §6.1, {@code RegistryIdentityParser} names). Modules carry
 * {@code moduleId}/{@code managedBy} and no {@code status}/{@code capabilities}, like IoT Hub.
 */
public final class IdentityJson {
    /** What IoT Hub reports for a time that never happened (DateTime.MinValue). */
    public static final String NEVER = "0001-01-01T00:00:00Z";

    // Millisecond precision with a literal Z: the Java service SDK splits on [.,Z] and keeps <= 3 digits.
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private IdentityJson() {
    }

    public static String time(Instant instant) {
        return instant == null ? NEVER : TIME.format(instant);
    }

    public static ObjectNode toJson(Identity id) {
        ObjectNode n = Json.object();
        n.put("deviceId", id.key().deviceId());
        if (id.key().isModule()) {
            n.put("moduleId", id.key().moduleId());
            n.put("managedBy", id.managedBy());
        }
        n.put("generationId", id.generationId());
        n.put("etag", id.etag());
        n.put("connectionState", connectionState(id));
        if (!id.key().isModule()) {
            n.put("status", id.enabled() ? Identity.ENABLED : Identity.DISABLED);
            n.put("statusReason", id.statusReason());
            n.put("statusUpdatedTime", time(id.statusUpdatedTime()));
        }
        n.put("connectionStateUpdatedTime", time(id.connectionStateUpdatedTime()));
        n.put("lastActivityTime", time(id.lastActivityTime()));
        n.put("cloudToDeviceMessageCount", id.cloudToDeviceMessageCount());
        n.set("authentication", authentication(id));
        if (!id.key().isModule()) {
            n.putObject("capabilities").put("iotEdge", id.iotEdge());
            n.put("deviceScope", id.deviceScope());
            ArrayNode parents = n.putArray("parentScopes");
            id.parentScopes().forEach(parents::add);
        }
        return n;
    }

    public static String connectionState(Identity id) {
        return Identity.CONNECTED.equals(id.connectionState()) ? Identity.CONNECTED : Identity.DISCONNECTED;
    }

    private static ObjectNode authentication(Identity id) {
        ObjectNode auth = Json.object();
        ObjectNode sym = auth.putObject("symmetricKey");
        sym.put("primaryKey", id.primaryKey());
        sym.put("secondaryKey", id.secondaryKey());
        auth.set("x509Thumbprint", thumbprints(id));
        auth.put("type", id.authType());
        return auth;
    }

    public static ObjectNode thumbprints(Identity id) {
        ObjectNode x509 = Json.object();
        x509.put("primaryThumbprint", id.primaryThumbprint());
        x509.put("secondaryThumbprint", id.secondaryThumbprint());
        return x509;
    }

    /** Both {@code enabledDeviceCount} and the Java SDK's misspelt {@code enableDeviceCount}. */
    public static ObjectNode statistics(DeviceCounts counts) {
        ObjectNode n = Json.object();
        n.put("totalDeviceCount", counts.total());
        n.put("enabledDeviceCount", counts.enabled());
        n.put("enableDeviceCount", counts.enabled());
        n.put("disabledDeviceCount", counts.disabled());
        return n;
    }
}
