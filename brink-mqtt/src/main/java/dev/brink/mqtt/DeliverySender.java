package dev.brink.mqtt;

import dev.brink.core.id.IdentityKey;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QoS 1 delivery side of one connection (reference §2.3; the hub's C2D messages, the edge hub's module
 * inputs): the backend's pending {@link Deliveries.Delivery deliveries} are published at QoS 1 on the topic the
 * backend built; a PUBACK acknowledges the delivery to the backend. Whatever is not acknowledged stays pending
 * in the backend and is delivered again on the next connection (MQTT 3.1.1 redelivers only on reconnect).
 *
 * <p>A delivery is handed to this connection once: its id is remembered from the publish until the backend has
 * recorded the acknowledgement (and until a fetch that started before that has been processed), so a fetch
 * that still sees it pending does not publish it twice. When most of the last fetched window is acknowledged the
 * next window is fetched; each fetch names the deliveries in flight, so the backend need not read them again.
 *
 * <p>A fetch first asks {@link Deliveries#pendingAtHand} on the event loop (the edge hub serves a short queue from
 * memory) and goes to a worker for {@link Deliveries#pending} only when the backend would block. The PUBLISHes of
 * one fetch leave in one flush ({@link ChannelWriter}), and notices of new deliveries that arrive while one is
 * still on its way to the event loop make a single fetch ({@link #requestDelivery}): under load a fetch publishes
 * a batch, not one message. Confined to the connection's context, except {@link #requestDelivery}.
 */
final class DeliverySender {
    private static final Logger LOG = LoggerFactory.getLogger(DeliverySender.class);

    private final ChannelWriter writer;
    private final Context context;
    private final IdentityKey key;
    private final EndpointContext env;
    private final Map<Integer, String> inFlight = new HashMap<>();
    // Ids handed to this connection and not yet recorded as acknowledged by the backend.
    private final Set<String> delivered = new HashSet<>();
    // Acknowledged while a fetch was running: forgotten once that fetch's (possibly stale) result is processed.
    private final List<String> forgetAfterFetch = new ArrayList<>();
    private int lastFetched;
    private boolean fetching;
    private boolean fetchAgain;
    private boolean stopped;
    private final AtomicBoolean deliveryRequested = new AtomicBoolean();

    DeliverySender(ChannelWriter writer, Context context, IdentityKey key, EndpointContext env) {
        this.writer = writer;
        this.context = context;
        this.key = key;
        this.env = env;
    }

    /** Fetches the identity's pending deliveries and publishes those not yet handed to this connection. */
    void deliver() {
        if (stopped) {
            return;
        }
        if (fetching) {
            fetchAgain = true;
            return;
        }
        List<Deliveries.Delivery> atHand;
        try {
            atHand = env.deliveries().pendingAtHand(key, Collections.unmodifiableSet(delivered));
        } catch (RuntimeException e) {
            LOG.warn("{}: could not read pending deliveries from memory: {}", key, e.toString());
            atHand = null;
        }
        if (atHand != null) {
            lastFetched = delivered.size() + atHand.size();
            publish(atHand);
            return;
        }
        fetching = true;
        // A snapshot: the fetch runs on a worker while this context keeps changing `delivered`.
        Set<String> handedOut = Set.copyOf(delivered);
        env.vertx().executeBlocking(() -> env.deliveries().pending(key, handedOut), false).onComplete(ar -> {
            fetching = false;
            if (ar.failed()) {
                LOG.warn("{}: could not read pending deliveries: {}", key, ar.cause().toString());
            } else {
                // The window this fetch saw: what was in flight plus what it found new.
                lastFetched = handedOut.size() + ar.result().size();
                publish(ar.result());
            }
            boolean forgot = !forgetAfterFetch.isEmpty();
            forgetAfterFetch.forEach(delivered::remove);
            forgetAfterFetch.clear();
            if (fetchAgain) {
                fetchAgain = false;
                deliver();
            } else if (forgot) {
                fetchNextWindowIfDue();
            }
        });
    }

    /**
     * Any thread: new deliveries may be pending. One task is scheduled on the context until it runs; it fetches
     * if {@code wanted} still holds (connected and subscribed).
     */
    void requestDelivery(BooleanSupplier wanted) {
        if (deliveryRequested.compareAndSet(false, true)) {
            context.runOnContext(v -> {
                deliveryRequested.set(false); // before the fetch: a notice racing with it schedules the next one
                if (wanted.getAsBoolean()) {
                    deliver();
                }
            });
        }
    }

    private void publish(List<Deliveries.Delivery> pending) {
        for (Deliveries.Delivery d : pending) {
            if (stopped || !delivered.add(d.id())) {
                continue;
            }
            int packetId = writer.publishAtLeastOnce(d.topic(), d.body(), inFlight::containsKey);
            inFlight.put(packetId, d.id());
            // Counts deliveries (non-blocking): the hub's queue gives a message up after too many (IoT Hub: 100).
            env.deliveries().delivering(key, d.id());
        }
        writer.flush();
    }

    /** PUBACK from the client: the delivery is complete. */
    void acknowledged(Integer packetId) {
        String id = inFlight.remove(packetId);
        if (id == null) {
            return;
        }
        CompletableFuture<Void> recorded;
        try {
            recorded = env.deliveries().acknowledged(key, id);
        } catch (RuntimeException e) {
            recorded = CompletableFuture.failedFuture(e);
        }
        if (recorded.isDone()) {
            // Recorded at once (the edge hub): whenComplete runs right here, no hop back to this context needed.
            recorded.whenComplete((v, e) -> afterAcknowledgement(id, e));
        } else {
            recorded.whenComplete((v, e) -> context.runOnContext(x -> afterAcknowledgement(id, e)));
        }
    }

    private void afterAcknowledgement(String id, Throwable failure) {
        if (failure != null) {
            // Stays in `delivered`: not published again on this connection; the next connection gets it.
            LOG.warn("{}: could not acknowledge delivery {}: {}", key, id, failure.toString());
            return;
        }
        if (fetching) {
            forgetAfterFetch.add(id);
        } else {
            delivered.remove(id);
        }
        fetchNextWindowIfDue();
    }

    /**
     * Most of the last fetched window is acknowledged: fetch the next one (the backend may hold more than a
     * window). Terminates: a fetch that publishes nothing new leaves {@code delivered} at least half its size.
     */
    private void fetchNextWindowIfDue() {
        if (lastFetched > 0 && delivered.size() <= lastFetched / 2) {
            deliver();
        }
    }

    void stop() {
        stopped = true;
        inFlight.clear();
    }
}
