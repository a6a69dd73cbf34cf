package dev.brink.edge.hub.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.message.Message;
import dev.brink.mqtt.MethodResult;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The edge hub's link to the hub (issue 5): it acts upstream for the edge's modules and child devices, each over
 * its own connection with its own identity's key (from the {@link dev.brink.edge.hub.identity.IdentityCache}), so
 * the hub sees every message, twin and method as the real identity's. Futures fail (never block forever) when the
 * link is down: callers queue and retry. Thread-safe.
 */
public interface Upstream extends AutoCloseable {

    /** True while the hub is reachable (the edge device's own connection is up). */
    boolean isConnected();

    /** Called with true when the link comes up and false when it drops (on any thread, must not block). */
    void onLinkChange(Consumer<Boolean> listener);

    /** Sends one message upstream as {@code from} (telemetry; a module output keeps {@code $.on}); completes on the hub's PUBACK. */
    CompletableFuture<Void> send(IdentityKey from, Message message);

    /** The identity's full twin from the hub: {@code {"desired":{..},"reported":{..}}} with {@code $version}s. */
    CompletableFuture<JsonNode> getTwin(IdentityKey who);

    /** Patches reported properties at the hub; completes with the new reported version. */
    CompletableFuture<Long> patchReported(IdentityKey who, ObjectNode patch);

    /** Desired patches the hub pushes for identities that {@link #activate} named. */
    void onDesired(BiConsumer<IdentityKey, ObjectNode> listener);

    /** Direct methods the hub invokes on identities that {@link #activate} named. */
    void onMethod(MethodRelay relay);

    /** Keeps an upstream presence for {@code who} (desired pushes, methods) until {@link #deactivate}. */
    void activate(IdentityKey who);

    void deactivate(IdentityKey who);

    @Override
    void close();

    /** Relays a hub-invoked direct method to the local client; fails with a BrinkException (404103/504101). */
    @FunctionalInterface
    interface MethodRelay {
        CompletableFuture<MethodResult> invoke(IdentityKey target, String methodName, JsonNode payload);
    }
}
