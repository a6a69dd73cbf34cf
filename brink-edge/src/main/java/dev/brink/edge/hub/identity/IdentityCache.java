package dev.brink.edge.hub.identity;

import dev.brink.core.id.IdentityKey;
import dev.brink.mqtt.Authentication;
import java.util.Optional;

/**
 * The identities the edge hub serves (issue 5 §2): the modules of this edge device and the child devices the hub
 * lists in its scope (and their modules), with their keys and status, kept durably so that authentication works
 * offline after one sync. Thread-safe.
 */
public interface IdentityCache extends AutoCloseable {

    /** Blocking. A CONNECT's credentials checked against the cache (the same rules as the hub's). */
    Authentication authenticate(String clientId, String username, String password);

    /** The primary key of a cached identity (to sign its upstream tokens), if it is in scope and enabled. */
    Optional<String> primaryKey(IdentityKey key);

    /** True if the identity is in scope and enabled. */
    boolean contains(IdentityKey key);

    /** Blocking. Reloads the scope from the hub; keeps the cache as it was if the hub cannot be reached. */
    void refresh();

    @Override
    void close();
}
