package dev.brink.edge.hub.delivery;

import dev.brink.core.id.IdentityKey;
import dev.brink.core.message.PropertyBag;
import dev.brink.edge.hub.store.MessageStore;
import dev.brink.edge.hub.store.QueuedMessage;
import dev.brink.mqtt.Deliveries;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * Module inputs are pulled, not pumped: the protocol head asks for a module's pending deliveries when the module
 * has subscribed {@code devices/{d}/modules/{m}/inputs/#} (and again after {@code deliveriesAvailable}), publishes
 * them at QoS 1 and reports each PUBACK. An entry leaves the store only on that PUBACK, so what is not acknowledged
 * is delivered again on the next connection. Removals are batched (one store write for all PUBACKs that arrive
 * while the previous removal commits): a crash can lose the last removals, and those entries are delivered again
 * (at least once). A delivery id is {@code {endpointId}#{entryId}}, e.g.
 * {@code /modules/filter/inputs/in1#42}: it names the queue and the entry, so an acknowledgement needs no lookup.
 */
public final class ModuleInputDeliveries implements Deliveries {
    /** At most this many deliveries per {@link #pending} call (the head asks again after acknowledgements). */
    public static final int WINDOW = 100;

    private final String edgeDeviceId;
    private final MessageStore store;
    private final LongAdder delivering = new LongAdder();
    private final BatchedRemovals removals;

    public ModuleInputDeliveries(String edgeDeviceId, MessageStore store) {
        this.edgeDeviceId = edgeDeviceId;
        this.store = store;
        this.removals = new BatchedRemovals(store);
    }

    /**
     * The pending entries of all of the module's inputs, merged in delivery order (priority, then arrival); empty
     * for identities that are not modules of this edge device.
     */
    @Override
    public List<Delivery> pending(IdentityKey to) {
        return pending(to, Set.of());
    }

    /**
     * As {@link #pending(IdentityKey)} without the entries in flight ({@code handedOut}) and those acknowledged
     * but not yet removed; the store skips them without decoding. At most {@link #WINDOW} minus what is in flight.
     */
    @Override
    public List<Delivery> pending(IdentityKey to, Set<String> handedOut) {
        return collect(to, handedOut, false);
    }

    /**
     * As {@link #pending(IdentityKey, Set)}, when every one of the module's inputs is short enough to be served
     * from the store's memory (the usual case when the module keeps up); null when one must be read from the file.
     */
    @Override
    public List<Delivery> pendingAtHand(IdentityKey to, Set<String> handedOut) {
        return collect(to, handedOut, true);
    }

    private List<Delivery> collect(IdentityKey to, Set<String> handedOut, boolean inMemoryOnly) {
        String prefix = prefix(to);
        if (prefix == null) {
            return List.of();
        }
        int limit = WINDOW - handedOut.size();
        if (limit <= 0) {
            return List.of();
        }
        List<QueuedMessage> queued = new ArrayList<>();
        for (String endpointId : store.endpointsWithEntries()) {
            if (endpointId.startsWith(prefix)) {
                Set<Long> skip = removals.skip(endpointId, handedOut);
                List<QueuedMessage> some = inMemoryOnly ? store.peekInMemory(endpointId, limit, skip)
                        : store.peek(endpointId, limit, skip);
                if (some == null) {
                    return null;
                }
                queued.addAll(some);
            }
        }
        queued.sort(Comparator.comparingInt(QueuedMessage::priority).thenComparingLong(QueuedMessage::entryId));
        List<Delivery> deliveries = new ArrayList<>(Math.min(queued.size(), limit));
        for (QueuedMessage q : queued.subList(0, Math.min(queued.size(), limit))) {
            String input = q.endpointId().substring(prefix.length());
            String topic = "devices/" + to.deviceId() + "/modules/" + to.moduleId() + "/inputs/" + input + "/"
                    + PropertyBag.encodeForDelivery(q.message());
            deliveries.add(new Delivery(q.endpointId() + "#" + q.entryId(), topic, q.message().body()));
        }
        return deliveries;
    }

    @Override
    public void delivering(IdentityKey to, String id) {
        delivering.increment();
    }

    /**
     * Records the PUBACK in memory at once ({@link #pending} leaves the entry out from now on) and removes the
     * entry from the store in a batch with other acknowledgements ({@link BatchedRemovals}); an id that is not one
     * of this module's inputs is ignored (a module acks only its own).
     */
    @Override
    public CompletableFuture<Void> acknowledged(IdentityKey to, String id) {
        String prefix = prefix(to);
        int hash = id.lastIndexOf('#');
        if (prefix == null || hash < 0 || !id.startsWith(prefix)) {
            return CompletableFuture.completedFuture(null);
        }
        long entryId;
        try {
            entryId = Long.parseLong(id.substring(hash + 1));
        } catch (NumberFormatException e) {
            return CompletableFuture.completedFuture(null);
        }
        removals.add(id.substring(0, hash), entryId);
        return CompletableFuture.completedFuture(null);
    }

    /** Completes once every acknowledgement recorded so far is removed from the store (or its removal failed). */
    public CompletableFuture<Void> flushed() {
        return removals.flushed();
    }

    /** Publishes made so far (each attempt counts, redeliveries too). For metrics. */
    public long deliveriesPublished() {
        return delivering.sum();
    }

    /** {@code /modules/{m}/inputs/} for a module of this edge device, else null. */
    private String prefix(IdentityKey to) {
        if (!to.isModule() || !to.deviceId().equals(edgeDeviceId)) {
            return null;
        }
        return "/modules/" + to.moduleId() + "/inputs/";
    }
}
