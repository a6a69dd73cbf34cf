package dev.brink.mqtt;

import dev.brink.core.error.BrinkException;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.sas.SasAudience;
import dev.brink.core.sas.SasToken;
import dev.brink.core.sas.SasTokens;
import java.time.Instant;

/**
 * The SAS rules of a CONNECT (reference §1.2, §1.3) shared by every backend — the hub checks them against its
 * registry, the edge hub against its cached scope: client id {@code {d}} or {@code {d}/{m}} ({@link ClientIds}); a
 * username that, when it has the IoT Hub shape, names the same identity; a SAS token in the password whose audience
 * is this hub and that identity, signed over the raw {@code sr} with the primary or secondary key of that identity —
 * for a module also a device-audience token signed with its device's key (edgeHub's rule); expiry with 5 minutes of
 * skew. Which identities exist, may connect, and which keys they have is the backend's {@link KeyLookup}.
 *
 * <p>Refusals: no username/password → CONNACK 4; malformed client id → 2; everything else (unknown, disabled or
 * out-of-scope identity, non-SAS identity, malformed, forged, expired or foreign token) → 5. The reason is only
 * logged, never sent.
 */
public final class SasConnectRules {

    /** What a backend knows about identities. Blocking allowed (it runs where {@code authenticate} runs). */
    @FunctionalInterface
    public interface KeyLookup {
        /**
         * Whether {@code key} may connect at all and, if so, the keys of {@code signer} (the identity whose key
         * signed the token: {@code key} itself, or its device for a device-audience token).
         */
        Lookup find(IdentityKey key, IdentityKey signer);
    }

    /** The answer of a {@link KeyLookup}. */
    public sealed interface Lookup {
        /** {@code key} may not connect, whatever its token: unknown, disabled, out of scope… */
        record Refused(String reason) implements Lookup {
        }

        /** The signer's authentication type ({@code sas}, …) and SAS keys (either may be null). */
        record Keys(String authType, String primaryKey, String secondaryKey) implements Lookup {
        }
    }

    private SasConnectRules() {
    }

    public static Authentication authenticate(String hubHostName, String clientId, String username, String password,
            Instant now, KeyLookup lookup) {
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
            return checkToken(hubHostName, key, SasToken.parse(password), now, lookup);
        } catch (BrinkException e) {
            return notAuthorized(e.getMessage());
        }
    }

    private static Authentication checkToken(String hubHostName, IdentityKey key, SasToken token, Instant now,
            KeyLookup lookup) {
        SasTokens.requireNotExpired(token, now);
        SasAudience audience = SasAudience.of(token);
        if (audience.isHub()) {
            return notAuthorized("hub-level (policy) tokens are not accepted on the device endpoint");
        }
        if (!audience.hostMatches(hubHostName)) {
            return notAuthorized("token audience host " + audience.host() + " is not the hub (" + hubHostName + ")");
        }
        if (!audience.deviceId().equalsIgnoreCase(key.deviceId())) {
            return notAuthorized("token audience device " + audience.deviceId() + " is not " + key.deviceId());
        }
        if (audience.isModule() && (!key.isModule() || !audience.moduleId().equalsIgnoreCase(key.moduleId()))) {
            return notAuthorized("token audience module " + audience.moduleId() + " does not match " + key);
        }
        IdentityKey signer = audience.isModule() ? key : IdentityKey.device(key.deviceId());
        Lookup found = lookup.find(key, signer);
        if (found instanceof Lookup.Refused refused) {
            return notAuthorized(refused.reason());
        }
        Lookup.Keys keys = (Lookup.Keys) found;
        if (!"sas".equals(keys.authType())) {
            return notAuthorized(signer + " does not use SAS authentication");
        }
        if (!matches(token, keys.primaryKey()) && !matches(token, keys.secondaryKey())) {
            return notAuthorized("token signature does not match the keys of " + signer);
        }
        return Authentication.accepted(key, token.expiresAt());
    }

    private static boolean matches(SasToken token, String key) {
        return key != null && SasTokens.signatureMatches(token, key);
    }

    private static Authentication notAuthorized(String reason) {
        return Authentication.refused(ConnectRefusal.NOT_AUTHORIZED, reason);
    }
}
