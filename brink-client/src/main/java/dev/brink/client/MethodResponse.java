package dev.brink.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/** A direct method result: the application's status and a JSON payload (may be JSON {@code null}). */
public record MethodResponse(int status, JsonNode payload) {
    public MethodResponse {
        payload = payload == null ? NullNode.getInstance() : payload;
    }

    public static MethodResponse ok(JsonNode payload) {
        return new MethodResponse(200, payload);
    }

    public static MethodResponse of(int status, JsonNode payload) {
        return new MethodResponse(status, payload);
    }
}
