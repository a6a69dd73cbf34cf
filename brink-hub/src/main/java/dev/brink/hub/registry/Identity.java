package dev.brink.hub.registry;

import dev.brink.core.id.IdentityKey;
import java.time.Instant;
import java.util.List;

/**
 * A device or module identity as the registry keeps it. Immutable; updates produce a new record with a
 * new {@code etag}. Connection state fields are maintained by the device endpoint.
 *
 * @param generationId  assigned at creation, never changes; a re-created identity gets a new one
 * @param etag          opaque, changes on every update of the identity (not of its twin)
 * @param status        {@code enabled} or {@code disabled} (devices only; modules are always enabled)
 * @param authType      {@code sas}, {@code selfSigned} or {@code certificateAuthority}
 * @param managedBy     for modules: who manages them (e.g. Brink's edge runtime); null otherwise
 * @param deviceScope   for edge devices and their children: the edge device's scope
 * @param parentScopes  for child devices: the scope of their parent edge device
 */
public record Identity(
        IdentityKey key,
        String generationId,
        String etag,
        String status,
        String statusReason,
        Instant statusUpdatedTime,
        String authType,
        String primaryKey,
        String secondaryKey,
        String primaryThumbprint,
        String secondaryThumbprint,
        boolean iotEdge,
        String managedBy,
        String deviceScope,
        List<String> parentScopes,
        String connectionState,
        Instant connectionStateUpdatedTime,
        Instant lastActivityTime,
        int cloudToDeviceMessageCount) {

    public static final String ENABLED = "enabled";
    public static final String DISABLED = "disabled";
    public static final String CONNECTED = "Connected";
    public static final String DISCONNECTED = "Disconnected";

    public Identity {
        parentScopes = parentScopes == null ? List.of() : List.copyOf(parentScopes);
    }

    public boolean enabled() {
        return !DISABLED.equals(status);
    }
}
