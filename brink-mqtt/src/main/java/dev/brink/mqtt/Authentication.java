package dev.brink.mqtt;

import dev.brink.core.id.IdentityKey;

/** The outcome of a CONNECT's authentication. */
public sealed interface Authentication {

    /** Accepted as {@code key}; the connection is closed at {@code tokenExpiresAt} (epoch seconds, SAS {@code se}). */
    record Accepted(IdentityKey key, long tokenExpiresAt) implements Authentication {
    }

    /** Refused with a CONNACK return code and a reason for the server log (never sent to the client). */
    record Refused(ConnectRefusal code, String reason) implements Authentication {
    }

    static Authentication accepted(IdentityKey key, long tokenExpiresAt) {
        return new Accepted(key, tokenExpiresAt);
    }

    static Authentication refused(ConnectRefusal code, String reason) {
        return new Refused(code, reason);
    }
}
