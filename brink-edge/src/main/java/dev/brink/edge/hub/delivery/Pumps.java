package dev.brink.edge.hub.delivery;

/**
 * The forwarding loops of the push endpoints (issue 5 §4): one per endpoint, draining its queues in order with
 * back-off from 1 s to 60 s between failed attempts. (Module inputs are not pumped: their client pulls them through
 * {@code Deliveries} when it is connected and subscribed.)
 */
public interface Pumps extends AutoCloseable {
    /** Starts forwarding {@code endpointId}'s queue through {@code sender}. */
    void register(String endpointId, EndpointSender sender);

    /** New messages were queued for {@code endpointId}. */
    void wake(String endpointId);

    /** The link came back: retry every waiting endpoint now instead of at the end of its back-off. */
    void linkRestored();

    @Override
    void close();
}
