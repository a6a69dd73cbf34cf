package dev.brink.edge.hub.identity;

import dev.brink.core.error.BrinkException;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.sas.SasAudience;
import dev.brink.core.sas.SasToken;
import dev.brink.core.sas.SasTokens;
import dev.brink.mqtt.Authentication;
import dev.brink.mqtt.ConnectRefusal;
import java.time.Instant;

/**
 * The hub's CONNECT rules (brink-hub's {@code DeviceAuthenticator}, reference §1.2/§1.3) applied to a cached
 * scope: client id {@code {d}} or {@code {d}/{m}}; a username that, when it has the IoT Hub shape, names the same
 * identity; a SAS token in the password whose audience is this hub and that identity, signed (over the raw
 * {@code sr}) with its primary or secondary key — for a module also a device-audience token signed with its
 * device's key; expiry with 5 minutes of skew. On top: the identity must be in this edge's scope, and the edge
 * device itself is refused (it is not a client of its own edge hub). Pure: no I/O.
 */
final class ScopeRules {
    private ScopeRules() {
    }

    static Authentication authenticate(ScopeSnapshot scope, String hubHostName, String clientId, String username,
            String password, Instant now) {
        IdentityKey key = parseClientId(clientId);
        if (key == null) {
            return Authentication.refused(ConnectRefusal.IDENTIFIER_REJECTED,
                    "client id must be {deviceId} or {deviceId}/{moduleId}");
        }
        if (username == null || password == null) {
            return Authentication.refused(ConnectRefusal.BAD_USERNAME_OR_PASSWORD,
                    "no username/password (only SAS authentication is supported)");
        }
        String usernameProblem = checkUsername(username, key);
        if (usernameProblem != null) {
            return notAuthorized(usernameProblem);
        }
        String scopeProblem = checkScope(scope, key);
        if (scopeProblem != null) {
            return notAuthorized(scopeProblem);
        }
        try {
            return checkToken(scope, hubHostName, key, SasToken.parse(password), now);
        } catch (BrinkException e) {
            return notAuthorized(e.getMessage());
        }
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

    private static Authentication checkToken(ScopeSnapshot scope, String hubHostName, IdentityKey key, SasToken token,
            Instant now) {
        SasTokens.requireNotExpired(token, now);
        SasAudience audience = SasAudience.of(token);
        if (audience.isHub()) {
            return notAuthorized("hub-level (policy) tokens are not accepted on the device endpoint");
        }
        // A port in the audience is ignored: modules sign with IOTEDGE_IOTHUBHOSTNAME, which is the edge's HostName
        // as configured and may carry one (the official SDK uses it verbatim), while hubHostName never does.
        if (!audience.hostMatches(hubHostName) && !withoutPort(audience.host()).equalsIgnoreCase(hubHostName)) {
            return notAuthorized("token audience host " + audience.host() + " is not the hub (" + hubHostName + ")");
        }
        if (!audience.deviceId().equalsIgnoreCase(key.deviceId())) {
            return notAuthorized("token audience device " + audience.deviceId() + " is not " + key.deviceId());
        }
        if (audience.isModule() && (!key.isModule() || !audience.moduleId().equalsIgnoreCase(key.moduleId()))) {
            return notAuthorized("token audience module " + audience.moduleId() + " does not match " + key);
        }
        IdentityKey signer = audience.isModule() ? key : IdentityKey.device(key.deviceId());
        ScopeIdentity keys = scope.find(signer);
        if (keys == null) {
            return notAuthorized("no keys cached for " + signer);
        }
        if (!"sas".equals(keys.authType())) {
            return notAuthorized(signer + " does not use SAS authentication");
        }
        if (!matches(token, keys.primaryKey()) && !matches(token, keys.secondaryKey())) {
            return notAuthorized("token signature does not match the keys of " + signer);
        }
        return Authentication.accepted(key, token.expiresAt());
    }

    /** {@code host:port} → {@code host}; an IPv6 literal keeps its brackets. */
    private static String withoutPort(String host) {
        int colon = host.lastIndexOf(':');
        return colon > host.lastIndexOf(']') && colon > 0 ? host.substring(0, colon) : host;
    }

    private static boolean matches(SasToken token, String key) {
        return key != null && SasTokens.signatureMatches(token, key);
    }

    /** {@code {d}} or {@code {d}/{m}}; null when it has another shape. */
    static IdentityKey parseClientId(String clientId) {
        if (clientId == null || clientId.isEmpty()) {
            return null;
        }
        String[] parts = clientId.split("/", -1);
        if (parts.length == 1) {
            return IdentityKey.device(parts[0]);
        }
        if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
            return IdentityKey.module(parts[0], parts[1]);
        }
        return null;
    }

    /**
     * The lenient username rule: {@code {hub}/{d}[/{m}]/?query} (or legacy {@code {hub}/{d}/api-version=..}).
     * Only a username of that shape is compared with the client id; anything else is ignored — the token decides.
     */
    static String checkUsername(String username, IdentityKey key) {
        String[] seg = username.split("/", -1);
        if (seg.length < 3) {
            return null;
        }
        String last = seg[seg.length - 1];
        if (!last.startsWith("?") && !last.contains("api-version=")) {
            return null;
        }
        if (!seg[1].equals(key.deviceId())) {
            return "username names device " + seg[1] + " but the client id is " + key;
        }
        if (seg.length == 4 && !seg[2].equals(String.valueOf(key.moduleId()))) {
            return "username names module " + seg[2] + " but the client id is " + key;
        }
        return null;
    }

    private static Authentication notAuthorized(String reason) {
        return Authentication.refused(ConnectRefusal.NOT_AUTHORIZED, reason);
    }
}
