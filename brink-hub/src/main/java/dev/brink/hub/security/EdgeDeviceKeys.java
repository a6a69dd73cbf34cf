package dev.brink.hub.security;

import java.util.Optional;

/**
 * Looks up a device's SAS keys for {@link ServiceAuthenticator#authenticateEdgeDevice}: how an edge runtime,
 * holding only its device's key, manages its own modules' identities over REST (issue 4 §3). Blocking (reads
 * the registry): never call it on an event loop.
 */
@FunctionalInterface
public interface EdgeDeviceKeys {
    Optional<Device> find(String deviceId);

    /** What authentication needs to know about a device. Holds keys: never printed. */
    record Device(String authType, String primaryKey, String secondaryKey, boolean iotEdge, boolean enabled) {
        @Override
        public String toString() {
            return "Device[authType=" + authType + ", iotEdge=" + iotEdge + ", enabled=" + enabled + ", keys=<redacted>]";
        }
    }
}
