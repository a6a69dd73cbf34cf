package dev.brink.edge.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import java.time.Duration;

/**
 * A module-to-module (or module-to-child) direct method request (reference §6.1):
 * {@code {"methodName","responseTimeoutInSeconds","connectTimeoutInSeconds","payload"}}, with the same bounds as
 * the hub's REST API (response 5–300 s, default 30; connect 0–300 s, default 0).
 */
record MethodRequest(String methodName, JsonNode payload, Duration connectTimeout, Duration responseTimeout) {
    static final String CALLER_HEADER = "x-ms-edge-moduleId";
    static final String SAS_PREFIX = "SharedAccessSignature ";
    static final int DEFAULT_RESPONSE_TIMEOUT_S = 30;
    static final int MIN_RESPONSE_TIMEOUT_S = 5;
    static final int MAX_TIMEOUT_S = 300;

    /** @throws BrinkException 400 naming the problem */
    static MethodRequest parse(String text) {
        if (text == null || text.isBlank()) {
            throw BrinkException.invalid("the request body must be a JSON object with methodName");
        }
        ObjectNode body;
        try {
            body = Json.parseObject(text);
        } catch (RuntimeException e) {
            throw BrinkException.invalid("the request body is not a JSON object: " + e.getMessage());
        }
        JsonNode name = body.get("methodName");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw BrinkException.invalid("methodName is required");
        }
        int response = seconds(body, "responseTimeoutInSeconds", DEFAULT_RESPONSE_TIMEOUT_S, MIN_RESPONSE_TIMEOUT_S);
        int connect = seconds(body, "connectTimeoutInSeconds", 0, 0);
        return new MethodRequest(name.asText(), body.get("payload"), Duration.ofSeconds(connect),
                Duration.ofSeconds(response));
    }

    /**
     * The caller named by {@code x-ms-edge-moduleId: {device}/{module}}; only modules call through the edge hub.
     *
     * @throws BrinkException 400 when the header is missing or not {@code {device}/{module}}
     */
    static IdentityKey caller(String header) {
        if (header == null || header.isBlank()) {
            throw BrinkException.invalid(CALLER_HEADER + " header ({deviceId}/{moduleId} of the caller) is required");
        }
        IdentityKey key = ClientTable.parseClientId(header.trim());
        if (key == null || !key.isModule()) {
            throw BrinkException.invalid(CALLER_HEADER + " must be {deviceId}/{moduleId}, not " + header);
        }
        return key;
    }

    /**
     * The SAS token from {@code Authorization: SharedAccessSignature sr=…}.
     *
     * @throws BrinkException 401 when it is missing or not a SAS token
     */
    static String token(String authorization) {
        if (authorization == null || !authorization.startsWith(SAS_PREFIX)) {
            throw new BrinkException(ErrorCode.Unauthorized,
                    "Authorization: SharedAccessSignature … of the calling module is required");
        }
        return authorization.trim();
    }

    private static int seconds(ObjectNode body, String field, int dflt, int min) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < min || n.asInt() > MAX_TIMEOUT_S) {
            throw BrinkException.invalid(field + " must be an integer between " + min + " and " + MAX_TIMEOUT_S);
        }
        return n.asInt();
    }
}
