package dev.brink.mqtt;

import dev.brink.core.id.IdentityKey;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Durable QoS 1 deliveries to one identity: the hub's C2D messages, the edge hub's module inputs and relayed C2D.
 * The head asks for {@link #pending} when the client has subscribed to its delivery filter (a device:
 * {@code devices/{d}/messages/devicebound/#}; a module: {@code devices/{d}/modules/{m}/inputs/#}) and whenever the
 * backend signals {@link Connections#deliveriesAvailable}; it publishes each delivery it has not yet handed to this
 * connection, calls {@link #delivering} after the publish and {@link #acknowledged} on its PUBACK. What is not
 * acknowledged stays pending and is delivered again on the next connection.
 */
public interface Deliveries {
    /** Blocking. Pending deliveries in order, at most a window's worth. */
    List<Delivery> pending(IdentityKey to);

    /**
     * Blocking. Like {@link #pending(IdentityKey)} but without the deliveries in {@code handedOut} (published on
     * this connection and not yet acknowledged): the head asks with them so that a backend can skip what is in
     * flight without reading it again. At most a window's worth including {@code handedOut}. The default filters
     * {@link #pending(IdentityKey)}.
     */
    default List<Delivery> pending(IdentityKey to, Set<String> handedOut) {
        if (handedOut.isEmpty()) {
            return pending(to);
        }
        return pending(to).stream().filter(d -> !handedOut.contains(d.id())).toList();
    }

    /**
     * Non-blocking, on the connection's event loop: what {@link #pending(IdentityKey, Set)} would answer, if the
     * backend has it at hand without blocking (in memory); null when it would have to read, and then the head
     * asks {@link #pending(IdentityKey, Set)} on a worker. {@code handedOut} is a read-only view, valid during the
     * call only. The default is always null.
     */
    default List<Delivery> pendingAtHand(IdentityKey to, Set<String> handedOut) {
        return null;
    }

    /** Non-blocking notice that {@code id} was published (counts deliveries). */
    void delivering(IdentityKey to, String id);

    /**
     * The client PUBACKed {@code id}. Called on the connection's event loop: must not block; complete the future
     * once the acknowledgement is recorded ({@link #pending} must not list {@code id} any more by then).
     */
    CompletableFuture<Void> acknowledged(IdentityKey to, String id);

    /** No deliveries at all (a backend without C2D or inputs). */
    Deliveries NONE = new Deliveries() {
        @Override
        public List<Delivery> pending(IdentityKey to) {
            return List.of();
        }

        @Override
        public void delivering(IdentityKey to, String id) {
        }

        @Override
        public CompletableFuture<Void> acknowledged(IdentityKey to, String id) {
            return CompletableFuture.completedFuture(null);
        }
    };

    /** One message to publish at QoS 1 on {@code topic} (built by the backend, property bag included). */
    record Delivery(String id, String topic, byte[] body) {
    }
}
