package dev.brink.mqtt;

import java.time.Instant;
import java.util.Map;

/**
 * A device-to-cloud message as received: system properties under their wire names ({@code $.mid}, {@code $.on},
 * {@code $.ct}, … with {@code $.cdid}/{@code $.cmid} stamped by the head from the authenticated identity),
 * application properties, the body, whether the client asked for a PUBACK (QoS 1), and the receive time.
 */
public record InboundMessage(Map<String, String> systemProperties, Map<String, String> applicationProperties,
                             byte[] body, boolean acknowledged, Instant receivedAt) {
}
