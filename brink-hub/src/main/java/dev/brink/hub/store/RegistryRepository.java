package dev.brink.hub.store;

import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import java.util.List;
import java.util.Optional;

/** Persistence of device and module identities. Write methods may only be called inside a write task. */
public interface RegistryRepository {

    Optional<Identity> find(IdentityKey key);

    /** Devices (not modules) ordered by device id, strictly after {@code afterDeviceId} (null = from start). */
    List<Identity> listDevices(String afterDeviceId, int limit);

    /** All modules of one device, ordered by module id. */
    List<Identity> listModules(String deviceId);

    /** Inserts or replaces the identity. */
    void put(Identity identity);

    /** Deletes the identity (for a device: also all its modules). Returns false if it did not exist. */
    boolean delete(IdentityKey key);

    DeviceCounts countDevices();

    record DeviceCounts(long total, long enabled, long disabled) {
    }
}
