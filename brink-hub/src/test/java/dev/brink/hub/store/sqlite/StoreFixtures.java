package dev.brink.hub.store.sqlite;

import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import java.time.Instant;
import java.util.List;

/** Builders for test identities. */
final class StoreFixtures {
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456789Z");

    private StoreFixtures() {
    }

    static Identity device(String deviceId) {
        return identity(IdentityKey.device(deviceId), Identity.ENABLED, 0);
    }

    static Identity module(String deviceId, String moduleId) {
        return identity(IdentityKey.module(deviceId, moduleId), Identity.ENABLED, 0);
    }

    static Identity identity(IdentityKey key, String status, int c2dCount) {
        return new Identity(key, "gen-" + key.deviceId(), "etag-" + c2dCount, status, null, T0, "sas",
                "cHJpbWFyeQ==", "c2Vjb25kYXJ5", null, null, false, key.isModule() ? "brink" : null, null,
                List.of(), Identity.DISCONNECTED, null, T0.plusSeconds(5), c2dCount);
    }

    static Identity withCount(Identity i, int c2dCount) {
        return identity(i.key(), i.status(), c2dCount);
    }
}
