package dev.brink.edge.hub.delivery;

import dev.brink.edge.hub.store.MessageStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * {@link Pumps} on a {@link MessageStore}: one {@link EndpointPump} (one platform thread) per registered endpoint,
 * draining its queue in delivery order with a window of sends outstanding, back-off 1 s … 60 s after a failure,
 * {@link #linkRestored()} to retry at once. A registered pump starts by sending whatever is already queued, so after
 * a restart registering {@code $upstream} is all it takes ({@link #registerQueued} does it for every queue). See
 * README.md for order and duplicates.
 */
public final class EndpointPumps implements Pumps {
    private final MessageStore store;
    private final PumpOptions options;
    private final Map<String, EndpointPump> pumps = new ConcurrentHashMap<>();
    private final LongAdder retried = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private boolean closed;

    public EndpointPumps(MessageStore store) {
        this(store, PumpOptions.DEFAULTS);
    }

    public EndpointPumps(MessageStore store, PumpOptions options) {
        this.store = store;
        this.options = options;
    }

    /** Starts (or, with a new sender, restarts) the pump of {@code endpointId}. */
    @Override
    public synchronized void register(String endpointId, EndpointSender sender) {
        if (closed) {
            throw new IllegalStateException("the pumps are closed");
        }
        EndpointPump pump = new EndpointPump(endpointId, store, sender, options, retried, delivered);
        EndpointPump old = pumps.put(endpointId, pump);
        if (old != null) {
            old.stop(); // its outstanding sends are abandoned: the new pump sends those entries again
        }
        pump.start();
    }

    /**
     * After a restart: registers a pump for every endpoint that has queued entries and a sender ({@code senders}
     * returns null for endpoints that are not pushed, such as module inputs). Returns the endpoints registered.
     */
    public List<String> registerQueued(Function<String, EndpointSender> senders) {
        List<String> registered = new ArrayList<>();
        for (String endpointId : store.endpointsWithEntries()) {
            EndpointSender sender = senders.apply(endpointId);
            if (sender != null && !pumps.containsKey(endpointId)) {
                register(endpointId, sender);
                registered.add(endpointId);
            }
        }
        return registered;
    }

    @Override
    public void wake(String endpointId) {
        EndpointPump pump = pumps.get(endpointId);
        if (pump != null) {
            pump.wake();
        }
    }

    @Override
    public void linkRestored() {
        pumps.values().forEach(EndpointPump::linkRestored);
    }

    /** Messages sent again after a failure (possible duplicates at the receiver; goal: none). For metrics. */
    public long retriedMessages() {
        return retried.sum();
    }

    /** Messages the receivers acknowledged. For metrics. */
    public long deliveredMessages() {
        return delivered.sum();
    }

    /** Stops every pump; queued entries stay in the store. */
    @Override
    public synchronized void close() {
        closed = true;
        pumps.values().forEach(EndpointPump::stop);
        pumps.clear();
    }
}
