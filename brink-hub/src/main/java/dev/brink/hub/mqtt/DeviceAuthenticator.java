package dev.brink.hub.mqtt;

import dev.brink.core.id.IdentityKey;
import dev.brink.hub.registry.Identity;
import dev.brink.hub.store.HubStore;
import dev.brink.mqtt.Authentication;
import dev.brink.mqtt.SasConnectRules;
import dev.brink.mqtt.SasConnectRules.Lookup;
import java.time.Clock;
import java.util.Optional;

/**
 * Checks a CONNECT against the hub's registry with the shared {@link SasConnectRules} (reference §1.2, §1.3):
 * the identity must exist and its device be enabled; the token is checked against the signer's keys, read in
 * the same registry read. Blocking (reads the registry): call it off the event loop.
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
        return SasConnectRules.authenticate(hubHostName, clientId, username, password, clock.instant(), this::find);
    }

    private Lookup find(IdentityKey key, IdentityKey signer) {
        return store.<Lookup>read(view -> {
            Optional<Identity> device = view.registry().find(IdentityKey.device(key.deviceId()));
            Optional<Identity> identity = key.isModule() ? view.registry().find(key) : device;
            if (device.isEmpty() || identity.isEmpty()) {
                return new Lookup.Refused("unknown identity " + key);
            }
            if (!device.get().enabled()) {
                return new Lookup.Refused("device " + key.deviceId() + " is disabled");
            }
            Identity keys = signer.isModule() ? identity.get() : device.get();
            return new Lookup.Keys(keys.authType(), keys.primaryKey(), keys.secondaryKey());
        });
    }
}
