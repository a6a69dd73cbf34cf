package dev.brink.edge.hub.delivery;

import dev.brink.edge.hub.store.QueuedMessage;
import java.util.concurrent.CompletableFuture;

/**
 * Delivers one queued message to an endpoint's receiver (the hub, for {@code $upstream}). The future completes
 * when the receiver acknowledged it and fails when it could not (the pump retries with back-off). Calls for one
 * endpoint are made in queue order; several may be outstanding at once.
 */
@FunctionalInterface
public interface EndpointSender {
    CompletableFuture<Void> send(QueuedMessage message);
}
