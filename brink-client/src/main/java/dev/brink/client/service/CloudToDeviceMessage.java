package dev.brink.client.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cloud-to-device message to send with {@link HubServiceClient#sendCloudToDevice}. Everything but the body
 * is optional: the hub generates a message id and applies a one-hour TTL when none is given.
 *
 * @param ttl time to live (at most 2 days); excludes {@code expiryTime}
 * @param expiryTime absolute expiry; excludes {@code ttl}
 * @param properties application properties (ASCII names and values: they travel as HTTP headers)
 */
public record CloudToDeviceMessage(byte[] body, String messageId, String correlationId, String userId,
                                   String contentType, String contentEncoding, Duration ttl, Instant expiryTime,
                                   Map<String, String> properties) {
    public CloudToDeviceMessage {
        body = body == null ? new byte[0] : body;
        properties = properties == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    public static CloudToDeviceMessage of(String utf8Body) {
        return new CloudToDeviceMessage(utf8Body.getBytes(StandardCharsets.UTF_8), null, null, null, null, null, null,
                null, null);
    }

    public CloudToDeviceMessage withProperties(Map<String, String> values) {
        return new CloudToDeviceMessage(body, messageId, correlationId, userId, contentType, contentEncoding, ttl,
                expiryTime, values);
    }

    public CloudToDeviceMessage withMessageId(String id) {
        return new CloudToDeviceMessage(body, id, correlationId, userId, contentType, contentEncoding, ttl,
                expiryTime, properties);
    }

    public CloudToDeviceMessage withTtl(Duration value) {
        return new CloudToDeviceMessage(body, messageId, correlationId, userId, contentType, contentEncoding, value,
                expiryTime, properties);
    }

    /** The {@code iothub-*} request headers of the hub's C2D route. */
    Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        put(h, "iothub-messageid", messageId);
        put(h, "iothub-correlationid", correlationId);
        put(h, "iothub-userid", userId);
        put(h, "iothub-contenttype", contentType);
        put(h, "iothub-contentencoding", contentEncoding);
        put(h, "iothub-ttl", ttl == null ? null : Long.toString(ttl.toSeconds()));
        put(h, "iothub-expiry", expiryTime == null ? null : expiryTime.toString());
        properties.forEach((k, v) -> h.put("iothub-app-" + k, v));
        h.put("Content-Type", "application/octet-stream");
        return h;
    }

    private static void put(Map<String, String> h, String name, String value) {
        if (value != null && !value.isEmpty()) {
            h.put(name, value);
        }
    }
}
