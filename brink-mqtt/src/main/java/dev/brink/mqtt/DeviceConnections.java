package dev.brink.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live MQTT connections of a head, one per identity (client id): takeover, online state, direct
 * method calls and the fan-out of desired-property and delivery notifications. Thread-safe; every call into a
 * connection is handed to that connection's event loop.
 */
final class DeviceConnections implements Connections {
    /** Direct method payload limit, each way (reference §8). */
    static final int MAX_METHOD_PAYLOAD_BYTES = 128 * 1024;

    private final Map<IdentityKey, DeviceConnection> live = new ConcurrentHashMap<>();
    private final Map<IdentityKey, List<CompletableFuture<Void>>> onlineWaiters = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<MethodResult>> pendingMethods = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();

    /** True when the identity is connected and subscribed to {@code $iothub/methods/POST/#}. */
    @Override
    public boolean isOnline(IdentityKey key) {
        DeviceConnection c = live.get(key);
        return c != null && c.subscribedToMethods();
    }

    /** True when the identity has a live MQTT connection (whatever it subscribed to). */
    @Override
    public boolean isConnected(IdentityKey key) {
        return live.containsKey(key);
    }

    /** The identities connected right now. */
    @Override
    public Collection<IdentityKey> connected() {
        return List.copyOf(live.keySet());
    }

    /**
     * Invokes a direct method (reference §2.6, §6.4): waits up to {@code connectTimeout} for the identity to be
     * online (else fails with 404103 DeviceNotOnline), publishes {@code $iothub/methods/POST/{name}/?$rid={rid}}
     * at QoS 0 and completes with the device's response, or fails with 504101 GatewayTimeout after
     * {@code responseTimeout}. Never blocks; the future completes on an arbitrary thread.
     *
     * @param payload any JSON, or null for an empty request body
     */
    @Override
    public CompletableFuture<MethodResult> invokeMethod(IdentityKey key, String methodName, JsonNode payload,
            Duration connectTimeout, Duration responseTimeout) {
        if (methodName == null || methodName.isEmpty() || methodName.contains("/") || methodName.contains("+")
                || methodName.contains("#")) {
            return CompletableFuture.failedFuture(BrinkException.invalid("invalid method name '" + methodName + "'"));
        }
        byte[] body = payload == null || payload.isNull() || payload.isMissingNode()
                ? new byte[0] : Json.write(payload).getBytes(StandardCharsets.UTF_8);
        if (body.length > MAX_METHOD_PAYLOAD_BYTES) {
            return CompletableFuture.failedFuture(new BrinkException(ErrorCode.MessageTooLarge,
                    "method payload exceeds " + MAX_METHOD_PAYLOAD_BYTES + " bytes"));
        }
        return awaitOnline(key, connectTimeout).thenCompose(v -> call(key, methodName, body, responseTimeout));
    }

    private CompletableFuture<MethodResult> call(IdentityKey key, String methodName, byte[] body, Duration timeout) {
        DeviceConnection connection = live.get(key);
        if (connection == null || !connection.subscribedToMethods()) {
            return CompletableFuture.failedFuture(notOnline(key));
        }
        String rid = Long.toHexString(requestIds.incrementAndGet());
        String pendingKey = pendingKey(key, rid);
        CompletableFuture<MethodResult> result = new CompletableFuture<>();
        pendingMethods.put(pendingKey, result);
        result.whenComplete((r, e) -> pendingMethods.remove(pendingKey));
        connection.publishMethodRequest(methodName, rid, body);
        return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(e ->
                CompletableFuture.failedFuture(e instanceof TimeoutException
                        ? new BrinkException(ErrorCode.GatewayTimeout, "timed out after " + timeout.toSeconds()
                                + " s waiting for " + key + " to answer method " + methodName)
                        : e));
    }

    private CompletableFuture<Void> awaitOnline(IdentityKey key, Duration timeout) {
        if (isOnline(key)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        onlineWaiters.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(waiter);
        if (isOnline(key)) { // it came online between the check and the registration
            waiter.complete(null);
        }
        waiter.whenComplete((v, e) -> onlineWaiters.computeIfPresent(key, (k, list) -> {
            list.remove(waiter);
            return list.isEmpty() ? null : list;
        }));
        return waiter.orTimeout(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        e instanceof TimeoutException ? notOnline(key) : e));
    }

    private static BrinkException notOnline(IdentityKey key) {
        return new BrinkException(ErrorCode.DeviceNotOnline, key + " is not connected and subscribed to direct methods");
    }

    private static String pendingKey(IdentityKey key, String rid) {
        return key + "|" + rid;
    }

    // ---- called by the endpoint ----

    /** Registers a newly accepted connection; an older one with the same identity is closed (takeover). */
    void register(DeviceConnection connection) {
        DeviceConnection previous = live.put(connection.key(), connection);
        if (previous != null && previous != connection) {
            previous.takenOver();
        }
        if (connection.subscribedToMethods()) {
            methodsSubscribed(connection.key());
        }
    }

    /** Forgets a closed connection; true when it was the identity's current one (so it is now offline). */
    boolean unregister(DeviceConnection connection) {
        return live.remove(connection.key(), connection);
    }

    void methodsSubscribed(IdentityKey key) {
        List<CompletableFuture<Void>> waiters = onlineWaiters.get(key);
        if (waiters != null) {
            waiters.forEach(w -> w.complete(null));
        }
    }

    void methodResponse(IdentityKey key, String rid, int status, byte[] body) {
        CompletableFuture<MethodResult> pending = pendingMethods.get(pendingKey(key, rid));
        if (pending != null) {
            pending.complete(new MethodResult(status, parseOrNull(body)));
        }
    }

    // ---- called by the backend's owner ----

    /** A committed desired-property change: pushed to the identity if connected and subscribed. */
    @Override
    public void publishDesired(IdentityKey key, ObjectNode patch) {
        DeviceConnection c = live.get(key);
        if (c != null) {
            c.publishDesired(patch);
        }
    }

    /** New deliveries for {@code key}: fetched if it is connected and subscribed to its delivery filter. */
    @Override
    public void deliveriesAvailable(IdentityKey key) {
        DeviceConnection c = live.get(key);
        if (c != null) {
            c.deliveriesAvailable();
        }
    }

    @Override
    public void disconnect(IdentityKey key) {
        DeviceConnection c = live.get(key);
        if (c != null) {
            c.close("disconnected by the server (identity deleted or disabled)");
        }
    }

    private static JsonNode parseOrNull(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return Json.parse(body);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
