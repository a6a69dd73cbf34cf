package dev.brink.hub.store;

import java.util.Collection;
import java.util.Map;

/**
 * Persistent MQTT sessions (CleanSession=0) of the device endpoint: the subscriptions of each client id
 * ({@code {d}} or {@code {d}/{m}}), kept across reconnections and hub restarts. Unacknowledged QoS 1
 * deliveries are not kept here: they stay pending in their own durable queue (C2D) until acknowledged.
 * Write methods may only be called inside a write task.
 */
public interface SessionRepository {

    /** The subscriptions of {@code clientId}: topic filter → granted QoS; empty when there is no session. */
    Map<String, Integer> subscriptions(String clientId);

    /** Adds or replaces subscriptions of {@code clientId}. */
    void addSubscriptions(String clientId, Map<String, Integer> filters);

    /** Removes the given topic filters of {@code clientId}; unknown ones are ignored. */
    void removeSubscriptions(String clientId, Collection<String> filters);

    /** Forgets the session of {@code clientId} (CleanSession=1). Returns false when there was none. */
    boolean delete(String clientId);
}
