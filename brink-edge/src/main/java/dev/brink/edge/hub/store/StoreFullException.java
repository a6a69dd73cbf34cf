package dev.brink.edge.hub.store;

import dev.brink.mqtt.MessageRefusedException;

/** The store reached {@code maxStoreSizeBytes} and the overflow policy is {@code refuse}. */
public final class StoreFullException extends MessageRefusedException {
    public StoreFullException(String reason) {
        super(reason);
    }
}
