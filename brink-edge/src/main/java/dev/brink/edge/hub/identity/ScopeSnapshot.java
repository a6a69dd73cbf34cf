package dev.brink.edge.hub.identity;

import dev.brink.core.id.IdentityKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One immutable version of the scope: what the hub listed at {@code syncedAt}. A refresh builds a new snapshot
 * and swaps it in whole, so a reader sees the old scope or the new one, never a mix.
 *
 * @param edgeScope the edge device's own {@code deviceScope} as listed, or null if the edge device was not listed
 *                  (then no device counts as a child)
 */
record ScopeSnapshot(String edgeDeviceId, String edgeScope, Map<IdentityKey, ScopeIdentity> identities,
        Instant syncedAt) {

    static ScopeSnapshot of(String edgeDeviceId, List<ScopeIdentity> list, Instant syncedAt) {
        Map<IdentityKey, ScopeIdentity> map = new HashMap<>();
        list.forEach(i -> map.put(i.key(), i));
        ScopeIdentity edge = map.get(IdentityKey.device(edgeDeviceId));
        return new ScopeSnapshot(edgeDeviceId, edge == null ? null : edge.deviceScope(), Map.copyOf(map), syncedAt);
    }

    ScopeIdentity find(IdentityKey key) {
        return identities.get(key);
    }

    boolean isEdgeDevice(String deviceId) {
        return edgeDeviceId.equals(deviceId);
    }

    /** A device this edge hub serves: the edge device itself (its modules connect here) or one of its children. */
    boolean deviceInScope(ScopeIdentity device) {
        if (isEdgeDevice(device.key().deviceId())) {
            return true;
        }
        return edgeScope != null && device.parentScopes().contains(edgeScope);
    }

    /**
     * In scope and enabled: a module of the edge device or of a (leaf) child, or a child device. The edge device
     * itself is not a client of its own edge hub.
     */
    boolean serves(IdentityKey key) {
        ScopeIdentity device = identities.get(IdentityKey.device(key.deviceId()));
        if (device == null || !device.enabled() || !deviceInScope(device)) {
            return false;
        }
        if (!key.isModule()) {
            return !isEdgeDevice(key.deviceId());
        }
        return identities.containsKey(key);
    }
}
