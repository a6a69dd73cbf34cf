package dev.brink.edge.hub.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.id.IdentityKey;
import java.util.ArrayList;
import java.util.List;

/**
 * One identity of the edge device's scope as the hub listed it (device or module), with what local
 * authentication needs. Holds keys: {@link #toString()} never prints them.
 *
 * @param enabled      devices: {@code status == enabled}; modules: always true (their device's status decides)
 * @param authType     {@code sas}, {@code selfSigned} or {@code certificateAuthority} (only SAS is accepted locally)
 * @param deviceScope  devices: their scope (an edge device's own, or a leaf child's parent's); null for modules
 * @param parentScopes devices: the scope of their parent edge device (at most one)
 */
public record ScopeIdentity(IdentityKey key, String generationId, boolean enabled, String authType,
        String primaryKey, String secondaryKey, boolean iotEdge, String deviceScope, List<String> parentScopes) {

    public ScopeIdentity {
        parentScopes = parentScopes == null ? List.of() : List.copyOf(parentScopes);
    }

    /** Parses one entry of the hub's {@code devices} or {@code modules} array (registry identity JSON). */
    public static ScopeIdentity fromJson(JsonNode n) {
        String deviceId = n.path("deviceId").asText("");
        String moduleId = n.path("moduleId").asText("");
        if (deviceId.isEmpty()) {
            throw new IllegalArgumentException("identity without deviceId");
        }
        IdentityKey key = moduleId.isEmpty() ? IdentityKey.device(deviceId) : IdentityKey.module(deviceId, moduleId);
        List<String> parents = new ArrayList<>();
        n.path("parentScopes").forEach(s -> parents.add(s.asText()));
        JsonNode auth = n.path("authentication");
        return new ScopeIdentity(key, n.path("generationId").asText(null),
                key.isModule() || !"disabled".equalsIgnoreCase(n.path("status").asText("enabled")),
                auth.path("type").asText("sas"), text(auth.path("symmetricKey"), "primaryKey"),
                text(auth.path("symmetricKey"), "secondaryKey"), n.path("capabilities").path("iotEdge").asBoolean(false),
                text(n, "deviceScope"), parents);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() && !v.textValue().isEmpty() ? v.textValue() : null;
    }

    @Override
    public String toString() {
        return "ScopeIdentity[" + key + ", generationId=" + generationId + ", enabled=" + enabled + ", authType="
                + authType + ", iotEdge=" + iotEdge + ", deviceScope=" + deviceScope + ", parentScopes="
                + parentScopes + ", keys=<redacted>]";
    }
}
