package dev.brink.hub.c2d;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a sender gives for one cloud-to-device message; every field but the body is optional.
 *
 * @param body the payload (at most {@link CloudToDeviceService#MAX_MESSAGE_BYTES})
 * @param messageId generated (a UUID) when null
 * @param expiryTime absolute expiry; at most {@link CloudToDeviceService#MAX_TTL} ahead; excludes {@code ttl}
 * @param ttl time to live from now; default {@link CloudToDeviceService#DEFAULT_TTL}; excludes {@code expiryTime}
 * @param properties application properties, in order
 */
public record C2dSendRequest(byte[] body, String messageId, String correlationId, String userId, String contentType,
                             String contentEncoding, Instant expiryTime, Duration ttl, Map<String, String> properties) {
    public C2dSendRequest {
        body = body == null ? new byte[0] : body;
        properties = properties == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** A message with only a body: generated id, default TTL, no properties. */
    public static C2dSendRequest of(byte[] body) {
        return new C2dSendRequest(body, null, null, null, null, null, null, null, null);
    }
}
