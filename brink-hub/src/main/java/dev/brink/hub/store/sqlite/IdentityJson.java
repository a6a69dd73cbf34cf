package dev.brink.hub.store.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import java.time.Instant;
import java.util.List;

/**
 * The storage form of an {@link Identity}: JSON of a small DTO whose instants are ISO-8601 strings, so the
 * shared mapper needs no java.time module. The key lives in the table's columns, not in the JSON.
 * Unknown fields are ignored on read, so adding a field to the DTO needs no migration.
 */
final class IdentityJson {

    record Stored(
            String generationId,
            String etag,
            String status,
            String statusReason,
            String statusUpdatedTime,
            String authType,
            String primaryKey,
            String secondaryKey,
            String primaryThumbprint,
            String secondaryThumbprint,
            boolean iotEdge,
            String managedBy,
            String deviceScope,
            List<String> parentScopes,
            String connectionState,
            String connectionStateUpdatedTime,
            String lastActivityTime,
            int cloudToDeviceMessageCount) {
    }

    private IdentityJson() {
    }

    static String toJson(Identity i) {
        Stored s = new Stored(i.generationId(), i.etag(), i.status(), i.statusReason(), str(i.statusUpdatedTime()),
                i.authType(), i.primaryKey(), i.secondaryKey(), i.primaryThumbprint(), i.secondaryThumbprint(),
                i.iotEdge(), i.managedBy(), i.deviceScope(), i.parentScopes(), i.connectionState(),
                str(i.connectionStateUpdatedTime()), str(i.lastActivityTime()), i.cloudToDeviceMessageCount());
        return Json.write(s);
    }

    static Identity fromJson(IdentityKey key, String json) {
        Stored s;
        try {
            s = Json.MAPPER.readValue(json, Stored.class);
        } catch (JsonProcessingException e) {
            throw new BrinkException(ErrorCode.ServerError, "Corrupt stored identity " + key + ": " + e.getOriginalMessage(), e);
        }
        return new Identity(key, s.generationId(), s.etag(), s.status(), s.statusReason(), instant(s.statusUpdatedTime()),
                s.authType(), s.primaryKey(), s.secondaryKey(), s.primaryThumbprint(), s.secondaryThumbprint(),
                s.iotEdge(), s.managedBy(), s.deviceScope(), s.parentScopes(), s.connectionState(),
                instant(s.connectionStateUpdatedTime()), instant(s.lastActivityTime()), s.cloudToDeviceMessageCount());
    }

    private static String str(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
