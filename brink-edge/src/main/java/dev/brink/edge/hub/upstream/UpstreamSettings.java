package dev.brink.edge.hub.upstream;

import dev.brink.client.ClientOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link HubUpstream} needs to reach the hub as the edge device's identities.
 *
 * @param hubName the hub's host name as used in SAS audiences and MQTT user names (also the host dialled)
 * @param edgeDeviceId the edge device; its modules (including {@code $edgeHub}) sign with its key
 * @param edgeDeviceKey the edge device's base64 SharedAccessKey
 * @param clientOptions brink-client options of every upstream connection (port, trusted CA, back-off, window); a
 *     reconnect back-off above {@link #MAX_RECONNECT_BACKOFF} is lowered to it
 * @param idleTimeout a connection that is not activated and had no traffic for this long is closed (edgeHub's
 *     {@code CloudConnectionIdleTimeoutSecs}, 3600 s by default)
 */
public record UpstreamSettings(String hubName, String edgeDeviceId, String edgeDeviceKey, ClientOptions clientOptions,
                               Duration idleTimeout) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);
    /**
     * Upper bound of an upstream connection's reconnect back-off. brink-client's default (60 s, for a fleet of
     * devices) delayed the drain of the store by ~20 s after a 30 s outage (docs/benchmarks.md "Edge hub"); an edge
     * device is one client of its hub, and every second offline is queued work, so it retries at least every 10 s.
     */
    public static final Duration MAX_RECONNECT_BACKOFF = Duration.ofSeconds(10);

    public UpstreamSettings {
        Objects.requireNonNull(hubName, "hubName");
        Objects.requireNonNull(edgeDeviceId, "edgeDeviceId");
        Objects.requireNonNull(edgeDeviceKey, "edgeDeviceKey");
        clientOptions = capBackoff(clientOptions == null ? ClientOptions.defaults() : clientOptions);
        idleTimeout = idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : idleTimeout;
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
    }

    public UpstreamSettings(String hubName, String edgeDeviceId, String edgeDeviceKey, ClientOptions clientOptions) {
        this(hubName, edgeDeviceId, edgeDeviceKey, clientOptions, DEFAULT_IDLE_TIMEOUT);
    }

    public UpstreamSettings withIdleTimeout(Duration value) {
        return new UpstreamSettings(hubName, edgeDeviceId, edgeDeviceKey, clientOptions, value);
    }

    private static ClientOptions capBackoff(ClientOptions options) {
        if (options.reconnectMaxBackoff().compareTo(MAX_RECONNECT_BACKOFF) <= 0) {
            return options;
        }
        Duration min = options.reconnectMinBackoff().compareTo(MAX_RECONNECT_BACKOFF) <= 0
                ? options.reconnectMinBackoff() : MAX_RECONNECT_BACKOFF;
        return options.toBuilder().reconnectBackoff(min, MAX_RECONNECT_BACKOFF).build();
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "UpstreamSettings[hubName=" + hubName + ", edgeDeviceId=" + edgeDeviceId + ", edgeDeviceKey=<redacted>"
                + ", idleTimeout=" + idleTimeout + "]";
    }
}
