package dev.brink.mqtt;

import dev.brink.core.id.IdentityKey;

/** Connection events of the head; called on event loops, so implementations must not block. */
public interface ConnectionListener {
    /** CONNACK 0 was sent. */
    void connected(IdentityKey key);

    /** The identity's current connection closed (not called for a connection that was taken over). */
    void disconnected(IdentityKey key);

    /** The identity did something (publish, twin, method response). */
    void active(IdentityKey key);

    ConnectionListener NONE = new ConnectionListener() {
        @Override
        public void connected(IdentityKey key) {
        }

        @Override
        public void disconnected(IdentityKey key) {
        }

        @Override
        public void active(IdentityKey key) {
        }
    };
}
