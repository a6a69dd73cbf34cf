package dev.brink.mqtt;

import com.fasterxml.jackson.databind.JsonNode;

/** A direct method's answer: the status the device chose and its JSON payload (null when it sent none). */
public record MethodResult(int status, JsonNode payload) {
}
