package dev.brink.core.twin;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The writable parts of a service twin body (REST PATCH/PUT). The SDKs send whole twin objects, so identity
 * fields (deviceId, etag, status, version...) are ignored; only "tags" and "properties.desired" are taken.
 * "properties.reported" belongs to the device and is refused. A JSON null counts as absent.
 *
 * @param tags    the "tags" member, or null when absent
 * @param desired the "properties.desired" member, or null when absent
 */
record ServiceBody(JsonNode tags, JsonNode desired) {

    static ServiceBody parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw TwinLimits.invalid("body", "must be a JSON object");
        }
        JsonNode properties = present(body.get("properties"));
        JsonNode desired = null;
        if (properties != null) {
            if (!properties.isObject()) {
                throw TwinLimits.invalid("properties", "must be a JSON object");
            }
            if (present(properties.get("reported")) != null) {
                throw TwinLimits.invalid(TwinDocument.REPORTED, "reported properties cannot be written by the service");
            }
            desired = present(properties.get("desired"));
        }
        return new ServiceBody(present(body.get("tags")), desired);
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }
}
