package dev.brink.hub.security;

import dev.brink.core.id.IdentityKey;
import java.util.Optional;

/**
 * Looks up a device's (or one of its modules') SAS keys for {@link ServiceAuthenticator#authenticateEdgeDevice}:
 * how an edge runtime, holding only its device's key, manages its own modules' identities over REST (issue 4
 * §3), and how its edge hub reads its device scope (issue 5). Blocking (reads the registry): never call it on an
 * event loop.
 */
@FunctionalInterface
public interface EdgeDeviceKeys {
    /**
     * The identity's keys; for a module, {@code iotEdge} and {@code enabled} are those of its device. Empty when
     * the identity (or its device) does not exist.
     */
    Optional<Device> find(IdentityKey key);

    /** What authentication needs to know about a device or module. Holds keys: never printed. */
    record Device(String authType, String primaryKey, String secondaryKey, boolean iotEdge, boolean enabled) {
        @Override
        public String toString() {
            return "Device[authType=" + authType + ", iotEdge=" + iotEdge + ", enabled=" + enabled + ", keys=<redacted>]";
        }
    }
}
