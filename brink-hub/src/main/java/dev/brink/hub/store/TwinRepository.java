package dev.brink.hub.store;

import dev.brink.core.twin.TwinDocument;
import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import java.util.Optional;

/** Persistence of twin documents, one per identity. Write methods may only be called inside a write task. */
public interface TwinRepository {

    Optional<TwinDocument> find(IdentityKey key);

    void put(IdentityKey key, TwinDocument twin);

    /** Deletes the twin (for a device: also its modules' twins). */
    void delete(IdentityKey key);

    /**
     * Visits identities with their twins in key order, devices only or modules only, starting strictly
     * after {@code after} (null = from the start). The visitor returns false to stop.
     */
    void scan(boolean modules, IdentityKey after, TwinVisitor visitor);

    @FunctionalInterface
    interface TwinVisitor {
        boolean visit(Identity identity, TwinDocument twin);
    }
}
