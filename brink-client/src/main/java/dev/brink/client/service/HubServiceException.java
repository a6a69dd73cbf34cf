package dev.brink.client.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hub REST call that answered with an error status. Carries the HTTP status, the numeric IoT Hub error code
 * (e.g. 404001; the HTTP status when the body names none) and the hub's own human message, extracted from any
 * of the body shapes IoT Hub uses (see {@link #fromResponse}).
 */
public class HubServiceException extends BrinkException {
    private static final Pattern CLASSIC = Pattern.compile("^ErrorCode:([A-Za-z0-9]+);(.*)$", Pattern.DOTALL);
    private static final int MAX_MESSAGE = 500;

    private final int httpStatus;
    private final int hubErrorCode;
    private final String hubMessage;

    public HubServiceException(int httpStatus, int hubErrorCode, String hubMessage) {
        super(errorCodeFor(hubErrorCode, httpStatus), hubMessage + " (" + hubErrorCode + ")");
        this.httpStatus = httpStatus;
        this.hubErrorCode = hubErrorCode;
        this.hubMessage = hubMessage;
    }

    /** The HTTP status of the response, e.g. 404. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The six-digit IoT Hub code (e.g. 404001), or the HTTP status when the body carried no code. */
    public int hubErrorCode() {
        return hubErrorCode;
    }

    /** The hub's human-readable message, e.g. {@code Device dev1 not found}. */
    public String hubMessage() {
        return hubMessage;
    }

    /**
     * Builds the exception from an error response. Understood bodies, like the Java service SDK's
     * {@code ErrorMessageParser}: the envelope {@code {"Message": ..., "ExceptionMessage": ...}} whose
     * {@code Message} may itself hold a JSON object (descended into), a flat {@code {"errorCode":..,"message":..}},
     * the classic {@code ErrorCode:Name;message} text, and anything else as plain text.
     */
    public static HubServiceException fromResponse(int httpStatus, String body) {
        int code = httpStatus;
        String message = body == null ? "" : body.trim();
        JsonNode node = tryParseObject(message);
        while (node != null) {
            JsonNode errorCode = node.get("errorCode");
            if (errorCode != null && errorCode.canConvertToInt()) {
                code = errorCode.asInt();
            } else if (errorCode != null && errorCode.isTextual() && errorCode.asText().matches("\\d{6}")) {
                code = Integer.parseInt(errorCode.asText());
            }
            String inner = text(node, "Message", "message");
            if (inner == null) {
                inner = text(node, "ExceptionMessage");
            }
            if (inner == null) {
                break;
            }
            message = inner.trim();
            node = tryParseObject(message);
        }
        Matcher classic = CLASSIC.matcher(message);
        if (classic.matches()) {
            if (code == httpStatus) {
                code = codeByName(classic.group(1), httpStatus);
            }
            message = classic.group(2).trim();
        }
        if (message.isEmpty()) {
            message = "HTTP " + httpStatus;
        }
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "...";
        }
        return new HubServiceException(httpStatus, code, message);
    }

    private static JsonNode tryParseObject(String text) {
        if (!text.startsWith("{")) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String... names) {
        for (String name : names) {
            JsonNode value = node.get(name);
            if (value != null && value.isTextual() && !value.asText().isBlank()) {
                return value.asText();
            }
        }
        return null;
    }

    /** The classic text names the code ({@code DeviceNotFound}); map it to its number when we know it. */
    private static int codeByName(String name, int fallback) {
        for (ErrorCode c : ErrorCode.values()) {
            if (c.name().equals(name)) {
                return c.code();
            }
        }
        return fallback;
    }

    private static ErrorCode errorCodeFor(int hubErrorCode, int httpStatus) {
        for (ErrorCode c : ErrorCode.values()) {
            if (c.code() == hubErrorCode) {
                return c;
            }
        }
        for (ErrorCode c : ErrorCode.values()) {
            if (c.httpStatus() == httpStatus) {
                return c;
            }
        }
        return ErrorCode.ServerError;
    }
}
