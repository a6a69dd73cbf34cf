package dev.brink.edge.hub.identity;

import dev.brink.core.id.IdentityKey;
import dev.brink.mqtt.Authentication;
import dev.brink.mqtt.ClientIds;
import dev.brink.mqtt.SasConnectRules;
import dev.brink.mqtt.SasConnectRules.Lookup;
import java.time.Instant;

/**
 * The hub's CONNECT rules ({@link SasConnectRules}, shared with the hub) applied to a cached scope: on top of
 * them the identity must be in this edge's scope, and the edge device itself is refused (it is not a client of its
 * own edge hub). Pure: no I/O.
 */
final class ScopeRules {
    private ScopeRules() {
    }

    static Authentication authenticate(ScopeSnapshot scope, String hubHostName, String clientId, String username,
            String password, Instant now) {
        return SasConnectRules.authenticate(hubHostName, clientId, username, password, now, (key, signer) -> {
            String scopeProblem = checkScope(scope, key);
            if (scopeProblem != null) {
                return new Lookup.Refused(scopeProblem);
            }
            ScopeIdentity keys = scope.find(signer);
            return keys == null ? new Lookup.Refused("no keys cached for " + signer)
                    : new Lookup.Keys(keys.authType(), keys.primaryKey(), keys.secondaryKey());
        });
    }

    /** Why {@code key} may not connect here at all (whatever its token), or null. */
    static String checkScope(ScopeSnapshot scope, IdentityKey key) {
        if (!key.isModule() && scope.isEdgeDevice(key.deviceId())) {
            return "edge device " + key.deviceId() + " itself cannot connect to its own edge hub (only its modules "
                    + "and child devices can)";
        }
        ScopeIdentity device = scope.find(IdentityKey.device(key.deviceId()));
        if (device == null) {
            return "unknown identity " + key + ": the hub does not list device " + key.deviceId()
                    + " in the scope of edge device " + scope.edgeDeviceId() + " (not a child of it)";
        }
        if (!scope.deviceInScope(device)) {
            return "device " + key.deviceId() + " is not in the scope of edge device " + scope.edgeDeviceId();
        }
        if (!device.enabled()) {
            return "device " + key.deviceId() + " is disabled";
        }
        if (key.isModule() && scope.find(key) == null) {
            return device.iotEdge() && !scope.isEdgeDevice(key.deviceId())
                    ? "module " + key + " belongs to child edge device " + key.deviceId()
                            + ", whose own edge hub serves it (not in this edge's scope)"
                    : "unknown identity " + key + ": no such module in the scope of edge device " + scope.edgeDeviceId();
        }
        return null;
    }

    /** {@code {d}} or {@code {d}/{m}}; null when it has another shape. */
    static IdentityKey parseClientId(String clientId) {
        return ClientIds.parse(clientId);
    }
}
