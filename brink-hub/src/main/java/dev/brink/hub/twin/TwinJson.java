package dev.brink.hub.twin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import dev.brink.core.twin.TwinDocument;
import dev.brink.hub.registry.Identity;
import dev.brink.hub.registry.IdentityJson;

/**
 * The service-side twin (reference §3.1): identity fields + tags + properties + version + etag. This is
 * both what {@code GET /twins/...} returns and the document the query language evaluates.
 * {@code etag} is the twin's, {@code deviceEtag} the identity's.
 */
public final class TwinJson {
    private TwinJson() {
    }

    public static ObjectNode compose(Identity id, TwinDocument twin) {
        ObjectNode n = Json.object();
        n.put("deviceId", id.key().deviceId());
        if (id.key().isModule()) {
            n.put("moduleId", id.key().moduleId());
        }
        n.put("etag", twin.etag());
        n.put("deviceEtag", id.etag());
        n.put("status", id.enabled() ? Identity.ENABLED : Identity.DISABLED);
        if (id.statusReason() != null) {
            n.put("statusReason", id.statusReason());
        }
        n.put("statusUpdateTime", IdentityJson.time(id.statusUpdatedTime()));
        n.put("connectionState", IdentityJson.connectionState(id));
        n.put("lastActivityTime", IdentityJson.time(id.lastActivityTime()));
        n.put("cloudToDeviceMessageCount", id.cloudToDeviceMessageCount());
        n.put("authenticationType", id.authType());
        n.set("x509Thumbprint", IdentityJson.thumbprints(id));
        n.put("modelId", "");
        n.put("version", twin.version());
        if (!id.key().isModule()) {
            n.putObject("capabilities").put("iotEdge", id.iotEdge());
            if (id.deviceScope() != null) {
                n.put("deviceScope", id.deviceScope());
            }
            if (!id.parentScopes().isEmpty()) {
                ArrayNode parents = n.putArray("parentScopes");
                id.parentScopes().forEach(parents::add);
            }
        }
        n.set("tags", twin.tags());
        n.set("properties", twin.propertiesJson());
        return n;
    }
}
