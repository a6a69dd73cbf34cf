package dev.brink.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.brink.core.json.Json;

/** A direct method invocation: the method name and the raw payload (JSON, or empty). */
public record MethodRequest(String methodName, byte[] payload) {
    public MethodRequest {
        payload = payload == null ? new byte[0] : payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload parsed as JSON; {@code null} JSON for an empty payload. */
    public JsonNode payloadJson() {
        return payload.length == 0 ? NullNode.getInstance() : Json.parse(payload);
    }
}
