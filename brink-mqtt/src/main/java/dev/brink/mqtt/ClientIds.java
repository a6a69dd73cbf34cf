package dev.brink.mqtt;

import dev.brink.core.id.IdentityKey;

/**
 * The CONNECT identity rules of the IoT Hub protocol (reference §1.2) that every backend's
 * {@link ProtocolBackend#authenticate} applies the same way: the client id names the identity, the username is
 * checked leniently. Pure functions.
 */
public final class ClientIds {
    private ClientIds() {
    }

    /** {@code {d}} or {@code {d}/{m}}; null when it has another shape (→ CONNACK 2, identifier rejected). */
    public static IdentityKey parse(String clientId) {
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
     * Only when the username has that shape are its ids compared with the client id; anything else
     * (e.g. a plain test client's username) is ignored — the token decides. Returns a problem or null.
     */
    public static String usernameProblem(String username, IdentityKey key) {
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
}
