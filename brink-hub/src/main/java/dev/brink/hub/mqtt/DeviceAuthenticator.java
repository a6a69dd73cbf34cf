package dev.brink.hub.mqtt;

import dev.brink.core.error.BrinkException;
import dev.brink.core.sas.SasAudience;
import dev.brink.core.sas.SasToken;
import dev.brink.core.sas.SasTokens;
import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.store.HubStore;
import dev.brink.mqtt.Authentication;
import dev.brink.mqtt.ClientIds;
import dev.brink.mqtt.ConnectRefusal;
import java.time.Clock;
import java.util.Optional;

/**
 * Checks a CONNECT (reference §1.2, §1.3): client id {@code {d}} or {@code {d}/{m}}, a username that (when it
 * has the IoT Hub shape) names the same identity, and a SAS token in the password signed with a key of that
 * identity — for a module also a device-audience token signed with its device's key (edgeHub's rule). The
 * HMAC is computed over the raw {@code sr} text, so encoded and unencoded audiences both work.
 *
 * <p>Refusals: no username/password → CONNACK 4 (bad user name or password); malformed client id → 2
 * (identifier rejected); everything else (unknown or disabled identity, non-SAS identity, malformed, forged,
 * expired or foreign token) → 5 (not authorized). The reason is only logged, never sent.
 * Blocking (reads the registry): call it off the event loop.
 */
final class DeviceAuthenticator {
    private final HubStore store;
    private final String hubHostName;
    private final Clock clock;

    DeviceAuthenticator(HubStore store, String hubHostName, Clock clock) {
        this.store = store;
        this.hubHostName = hubHostName;
        this.clock = clock;
    }

    Authentication authenticate(String clientId, String username, String password) {
        IdentityKey key = ClientIds.parse(clientId);
        if (key == null) {
            return Authentication.refused(ConnectRefusal.IDENTIFIER_REJECTED,
                    "client id must be {deviceId} or {deviceId}/{moduleId}");
        }
        if (username == null || password == null) {
            return Authentication.refused(ConnectRefusal.BAD_USERNAME_OR_PASSWORD,
                    "no username/password (only SAS authentication is supported)");
        }
        String usernameProblem = ClientIds.usernameProblem(username, key);
        if (usernameProblem != null) {
            return notAuthorized(usernameProblem);
        }
        try {
            return checkToken(key, SasToken.parse(password));
        } catch (BrinkException e) {
            return notAuthorized(e.getMessage());
        }
    }

    private Authentication checkToken(IdentityKey key, SasToken token) {
        SasTokens.requireNotExpired(token, clock.instant());
        SasAudience audience = SasAudience.of(token);
        if (audience.isHub()) {
            return notAuthorized("hub-level (policy) tokens are not accepted on the device endpoint");
        }
        if (!audience.hostMatches(hubHostName)) {
            return notAuthorized("token audience host " + audience.host() + " is not this hub (" + hubHostName + ")");
        }
        if (!audience.deviceId().equalsIgnoreCase(key.deviceId())) {
            return notAuthorized("token audience device " + audience.deviceId() + " is not " + key.deviceId());
        }
        if (audience.isModule() && (!key.isModule() || !audience.moduleId().equalsIgnoreCase(key.moduleId()))) {
            return notAuthorized("token audience module " + audience.moduleId() + " does not match " + key);
        }
        IdentityKey signer = audience.isModule() ? key : IdentityKey.device(key.deviceId());
        return store.<Authentication>read(view -> {
            Optional<Identity> device = view.registry().find(IdentityKey.device(key.deviceId()));
            Optional<Identity> identity = key.isModule() ? view.registry().find(key) : device;
            if (device.isEmpty() || identity.isEmpty()) {
                return notAuthorized("unknown identity " + key);
            }
            if (!device.get().enabled()) {
                return notAuthorized("device " + key.deviceId() + " is disabled");
            }
            Identity keys = signer.isModule() ? identity.get() : device.get();
            if (!"sas".equals(keys.authType())) {
                return notAuthorized(signer + " does not use SAS authentication");
            }
            if (!SasTokens.signatureMatches(token, keys.primaryKey())
                    && !SasTokens.signatureMatches(token, keys.secondaryKey())) {
                return notAuthorized("token signature does not match the keys of " + signer);
            }
            return Authentication.accepted(key, token.expiresAt());
        });
    }

    private static Authentication notAuthorized(String reason) {
        return Authentication.refused(ConnectRefusal.NOT_AUTHORIZED, reason);
    }
}
