package dev.brink.mqtt;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Persistent-session subscriptions by client id: topic filter → granted QoS. The head SUBACKs a persistent
 * session's SUBSCRIBE only after {@link #add} completed (the official clients never subscribe again).
 */
public interface SessionStore {
    /** Blocking. The stored subscriptions (empty if none). */
    Map<String, Integer> load(String clientId);

    /** Blocking. Forgets the session (CleanSession=1). */
    void clear(String clientId);

    CompletableFuture<Void> add(String clientId, Map<String, Integer> subscriptions);

    CompletableFuture<Void> remove(String clientId, Collection<String> filters);
}
