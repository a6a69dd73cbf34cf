package dev.brink.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.id.IdentityKey;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/** The live connections of a {@link ProtocolHead}, one per identity; thread-safe, never blocks. */
public interface Connections {
    /** Connected and subscribed to {@code $iothub/methods/POST/#}. */
    boolean isOnline(IdentityKey key);

    boolean isConnected(IdentityKey key);

    Collection<IdentityKey> connected();

    /**
     * Invokes a direct method (reference §2.6): waits up to {@code connectTimeout} for the identity to be online
     * (else fails with a BrinkException 404103 DeviceNotOnline), publishes the request at QoS 0 and completes with
     * the answer, or fails with 504101 GatewayTimeout after {@code responseTimeout}; 400 for an invalid name,
     * 413 for a payload over 128 KB.
     */
    CompletableFuture<MethodResult> invokeMethod(IdentityKey key, String methodName, JsonNode payload,
            Duration connectTimeout, Duration responseTimeout);

    /** Publishes a desired patch (with {@code $version}) at QoS 0 if the identity is connected and subscribed. */
    void publishDesired(IdentityKey key, ObjectNode patch);

    /** New deliveries are pending for the identity: a connected, subscribed client fetches them. */
    void deliveriesAvailable(IdentityKey key);

    /** Closes the identity's connection, if any (identity deleted or disabled). */
    void disconnect(IdentityKey key);
}
