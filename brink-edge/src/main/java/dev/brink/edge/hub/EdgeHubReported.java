package dev.brink.edge.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import dev.brink.edge.agent.EdgeVersion;

/** The {@code $edgeHub} reported properties the edge hub writes (reference §6.5). */
final class EdgeHubReported {
    static final String SCHEMA_VERSION = "1.0";

    private EdgeHubReported() {
    }

    /** {@code schemaVersion} and {@code version}: written at every start. */
    static ObjectNode header() {
        ObjectNode r = Json.object();
        r.put("schemaVersion", SCHEMA_VERSION);
        r.putObject("version").put("version", EdgeVersion.VERSION).put("build", "brink");
        return r;
    }

    /**
     * The outcome of applying desired version {@code version}: 200 (applied), 400 (invalid, {@code description}
     * names the bad route; the previous routes stay in use) or 500.
     */
    static ObjectNode desiredStatus(long version, int code, String description) {
        ObjectNode r = header();
        r.put("lastDesiredVersion", version);
        r.putObject("lastDesiredStatus").put("code", code).put("description", description == null ? "" : description);
        return r;
    }
}
