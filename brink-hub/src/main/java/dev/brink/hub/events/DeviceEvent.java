package dev.brink.hub.events;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One device-to-cloud message as the events log keeps it.
 *
 * @param offset the position in the log; null before {@link EventLog#append} assigned it
 * @param enqueuedTime when the hub accepted the message
 * @param deviceId the authenticated device that sent it
 * @param moduleId the authenticated module that sent it, or null for a device
 * @param systemProperties decoded system properties keyed by wire name ({@code $.mid}, {@code $.ct}, ...)
 * @param applicationProperties decoded application properties, in the order the sender wrote them
 * @param body the payload, unchanged
 */
public record DeviceEvent(Long offset, Instant enqueuedTime, String deviceId, String moduleId,
                          Map<String, String> systemProperties, Map<String, String> applicationProperties,
                          byte[] body) {

    public DeviceEvent {
        Objects.requireNonNull(enqueuedTime, "enqueuedTime");
        Objects.requireNonNull(deviceId, "deviceId");
        systemProperties = copy(systemProperties);
        applicationProperties = copy(applicationProperties);
        body = body == null ? new byte[0] : body;
    }

    /** The same event with its log offset. */
    public DeviceEvent withOffset(long newOffset) {
        return new DeviceEvent(newOffset, enqueuedTime, deviceId, moduleId, systemProperties,
                applicationProperties, body);
    }

    private static Map<String, String> copy(Map<String, String> m) {
        return m == null || m.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
