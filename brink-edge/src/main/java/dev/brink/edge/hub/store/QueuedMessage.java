package dev.brink.edge.hub.store;

import dev.brink.core.message.Message;

/** One queue entry: which endpoint, at which priority, and the stored message it references. */
public record QueuedMessage(long entryId, String endpointId, int priority, Message message) {
}
