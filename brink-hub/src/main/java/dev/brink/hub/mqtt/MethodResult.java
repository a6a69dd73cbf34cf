package dev.brink.hub.mqtt;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A device's answer to a direct method (reference §2.6, §6.4).
 *
 * @param status the application's status from {@code $iothub/methods/res/{status}/}
 * @param payload the response body parsed as JSON; null when the body was empty or not JSON
 */
public record MethodResult(int status, JsonNode payload) {
}
