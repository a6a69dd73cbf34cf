package dev.brink.hub.registry;

import dev.brink.core.id.IdentityKey;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.error.BrinkException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The writable fields of a device/module PUT body. Read-only fields (etag, generationId, timestamps,
 * connection state) are ignored: the official SDK sends placeholders for them. A null field means
 * "absent": on create the default applies, on update the stored value is kept.
 */
record IdentityRequest(
        String status,
        String statusReason,
        String authType,
        String primaryKey,
        String secondaryKey,
        String primaryThumbprint,
        String secondaryThumbprint,
        Boolean iotEdge,
        String managedBy,
        String deviceScope,
        List<String> parentScopes) {

    static final String SAS = "sas";
    static final String SELF_SIGNED = "selfSigned";
    static final String CA = "certificateAuthority";
    private static final int MIN_KEY_BYTES = 16;
    private static final int MAX_KEY_BYTES = 64;

    static IdentityRequest parse(IdentityKey key, JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            body = dev.brink.core.json.Json.object();
        }
        if (!body.isObject()) {
            throw BrinkException.invalid("the identity body must be a JSON object");
        }
        requireSameId("deviceId", key.deviceId(), body);
        if (key.isModule()) {
            requireSameId("moduleId", key.moduleId(), body);
        }
        JsonNode auth = body.path("authentication");
        String type = normaliseAuthType(text(auth, "type"));
        String primary = text(auth.path("symmetricKey"), "primaryKey");
        String secondary = text(auth.path("symmetricKey"), "secondaryKey");
        requireKey("primaryKey", primary);
        requireKey("secondaryKey", secondary);
        JsonNode iotEdge = body.path("capabilities").path("iotEdge");
        if (!iotEdge.isMissingNode() && !iotEdge.isNull() && !iotEdge.isBoolean()) {
            throw BrinkException.invalid("capabilities.iotEdge must be a boolean");
        }
        return new IdentityRequest(
                normaliseStatus(text(body, "status")),
                text(body, "statusReason"),
                type,
                primary,
                secondary,
                text(auth.path("x509Thumbprint"), "primaryThumbprint"),
                text(auth.path("x509Thumbprint"), "secondaryThumbprint"),
                iotEdge.isBoolean() ? iotEdge.booleanValue() : null,
                text(body, "managedBy"),
                text(body, "deviceScope"),
                scopes(body.path("parentScopes")));
    }

    /** A text member, or null when absent, null or empty (the SDK sends "" for unset values). */
    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw BrinkException.invalid(field + " must be a string");
        }
        return v.textValue().isEmpty() ? null : v.textValue();
    }

    private static void requireSameId(String field, String pathId, JsonNode body) {
        String bodyId = text(body, field);
        if (bodyId != null && !bodyId.equals(pathId)) {
            throw BrinkException.invalid(field + " '" + bodyId + "' in the body does not match '" + pathId
                    + "' in the path");
        }
    }

    private static String normaliseStatus(String status) {
        if (status == null) {
            return null;
        }
        String s = status.toLowerCase(Locale.ROOT);
        if (!s.equals(Identity.ENABLED) && !s.equals(Identity.DISABLED)) {
            throw BrinkException.invalid("status must be 'enabled' or 'disabled', not '" + status + "'");
        }
        return s;
    }

    private static String normaliseAuthType(String type) {
        if (type == null) {
            return null;
        }
        for (String known : List.of(SAS, SELF_SIGNED, CA)) {
            if (known.equalsIgnoreCase(type)) {
                return known;
            }
        }
        throw BrinkException.invalid("authentication.type must be sas, selfSigned or certificateAuthority, not '"
                + type + "'");
    }

    private static void requireKey(String name, String key) {
        if (key == null) {
            return;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException e) {
            throw BrinkException.invalid("authentication.symmetricKey." + name + " is not valid base64");
        }
        if (bytes.length < MIN_KEY_BYTES || bytes.length > MAX_KEY_BYTES) {
            throw BrinkException.invalid("authentication.symmetricKey." + name + " must decode to "
                    + MIN_KEY_BYTES + ".." + MAX_KEY_BYTES + " bytes, not " + bytes.length);
        }
    }

    private static List<String> scopes(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw BrinkException.invalid("parentScopes must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : node) {
            if (!s.isTextual() || s.textValue().isEmpty()) {
                throw BrinkException.invalid("parentScopes must contain non-empty strings");
            }
            out.add(s.textValue());
        }
        return out;
    }
}
