package dev.brink.edge.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.IdentityKey;
import dev.brink.mqtt.Connections;
import dev.brink.mqtt.MethodResult;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The protocol head's {@link Connections}, usable before the head exists: the backend, the desired sink and the
 * method relay are built first (the head needs the backend to start), and until {@link #bind} (and after
 * {@link #unbind}) nobody is connected — deliveries and desired pushes are dropped (clients fetch both on
 * their next connection) and methods fail 404103 as for any offline client.
 */
final class LiveConnections implements Connections {
    private volatile Connections head;

    void bind(Connections connections) {
        head = connections;
    }

    void unbind() {
        head = null;
    }

    @Override
    public boolean isOnline(IdentityKey key) {
        Connections c = head;
        return c != null && c.isOnline(key);
    }

    @Override
    public boolean isConnected(IdentityKey key) {
        Connections c = head;
        return c != null && c.isConnected(key);
    }

    @Override
    public Collection<IdentityKey> connected() {
        Connections c = head;
        return c == null ? List.of() : c.connected();
    }

    @Override
    public CompletableFuture<MethodResult> invokeMethod(IdentityKey key, String methodName, JsonNode payload,
            Duration connectTimeout, Duration responseTimeout) {
        Connections c = head;
        return c != null ? c.invokeMethod(key, methodName, payload, connectTimeout, responseTimeout)
                : CompletableFuture.failedFuture(new BrinkException(ErrorCode.DeviceNotOnline,
                        key + " is not connected to the edge hub"));
    }

    @Override
    public void publishDesired(IdentityKey key, ObjectNode patch) {
        Connections c = head;
        if (c != null) {
            c.publishDesired(key, patch);
        }
    }

    @Override
    public void deliveriesAvailable(IdentityKey key) {
        Connections c = head;
        if (c != null) {
            c.deliveriesAvailable(key);
        }
    }

    @Override
    public void disconnect(IdentityKey key) {
        Connections c = head;
        if (c != null) {
            c.disconnect(key);
        }
    }
}
