package dev.brink.edge.hub.store;

import dev.brink.core.route.OverflowPolicy;
import dev.brink.core.route.StoreAndForwardSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The store's figures kept in memory (loaded once at open), so that the disk bound is checked without a query
 * and metrics cost nothing: bytes admitted and stored, queue lengths per endpoint and priority, drops by reason.
 *
 * <p>Two byte counters: {@code stored} follows the commits; {@code reserved} is {@code stored} plus the appends
 * admitted but not yet committed. Admission under {@code refuse} is a compare-and-set on {@code reserved}, so
 * concurrent appenders can never overshoot the bound together, and the refusal happens before anything is
 * written. Everything else changes only through {@link #commit(GroupDelta)}, called by the writer once a group
 * is durable, so the figures never count what a rolled-back group did.
 */
final class StoreLedger {
    static final String TTL_EXPIRY = "ttl_expiry";
    static final String OVERFLOW = "overflow";
    static final String NO_ROUTE = "no_route";

    /**
     * What one queue entry costs on disk, estimated: its row (id, endpoint id, priority, message id, expiry), its
     * entry in the queue index and in the expiry index. Measured on a 100k-entry file: 90-100 bytes.
     */
    static final long ENTRY_BYTES = 100;
    /** A message row's own overhead beyond its properties and body (row header, ids, times, size, b-tree cell). */
    static final long MESSAGE_OVERHEAD_BYTES = 40;

    /**
     * A message row's share of the bound: its bytes plus a fifth for the space SQLite pages leave unused (measured:
     * 20,000 messages of 1 KB took 28.7 MB of file for 24.0 MB of rows and entries, i.e. +19%).
     */
    static long messageBytes(int propertiesBytes, int bodyBytes) {
        long raw = MESSAGE_OVERHEAD_BYTES + propertiesBytes + bodyBytes;
        return raw + raw / 5;
    }

    private final AtomicLong reserved = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final Map<String, Map<Integer, AtomicLong>> queues = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
    private final LongAdder unwritten = new LongAdder();
    private volatile StoreAndForwardSettings settings;

    StoreLedger(StoreAndForwardSettings settings) {
        this.settings = settings;
        for (String reason : List.of(TTL_EXPIRY, OVERFLOW, NO_ROUTE)) {
            dropped.put(reason, new LongAdder());
        }
    }

    StoreAndForwardSettings settings() {
        return settings;
    }

    void apply(StoreAndForwardSettings newSettings) {
        settings = newSettings;
    }

    /** At open: what the file already holds. */
    void load(long storedBytes, Map<String, Map<Integer, Long>> queueLengths) {
        stored.set(storedBytes);
        reserved.set(storedBytes);
        queueLengths.forEach((endpoint, byPriority) -> byPriority.forEach((p, n) -> queue(endpoint, p).set(n)));
    }

    /**
     * Admits an append of {@code cost} bytes or refuses it. Under {@code refuse} the bound is never exceeded; under
     * {@code dropOldest} the writer makes room before inserting. A message bigger than the whole bound is refused
     * under both policies: no amount of dropping makes room for it.
     */
    void admit(long cost) {
        StoreAndForwardSettings s = settings;
        long bound = s.maxStoreSizeBytes();
        if (cost > bound) {
            throw new StoreFullException("Message store: a message of " + cost + " bytes (with its queue entries) is"
                    + " larger than the whole store bound maxStoreSizeBytes=" + bound);
        }
        if (s.overflowPolicy() == OverflowPolicy.DROP_OLDEST) {
            reserved.addAndGet(cost);
            return;
        }
        while (true) {
            long now = reserved.get();
            if (now + cost > bound) {
                throw new StoreFullException("Message store full: " + now + " of maxStoreSizeBytes=" + bound
                        + " bytes in use and this message needs " + cost + "; the overflow policy is 'refuse', so new"
                        + " messages are refused until queued ones are delivered or expire"
                        + " (storeAndForwardConfiguration of $edgeHub)");
            }
            if (reserved.compareAndSet(now, now + cost)) {
                return;
            }
        }
    }

    /** An admitted append failed: its bytes are free again. */
    void release(long cost) {
        reserved.addAndGet(-cost);
    }

    /** Bytes admitted, committed or not: what {@code dropOldest} must bring under the bound. */
    long reserved() {
        return reserved.get();
    }

    long storedBytes() {
        return stored.get();
    }

    void noRoute() {
        dropped.get(NO_ROUTE).increment();
    }

    /** A group is durable: its effects become the figures. Writer thread only. */
    void commit(GroupDelta delta) {
        stored.addAndGet(delta.addedBytes - delta.freedBytes);
        reserved.addAndGet(-delta.freedBytes - delta.cancelledBytes);
        delta.queues.forEach((endpoint, byPriority) -> byPriority.forEach((p, n) -> queue(endpoint, p).addAndGet(n)));
        dropped.get(TTL_EXPIRY).add(delta.ttlExpired);
        dropped.get(OVERFLOW).add(delta.overflow);
        unwritten.add(delta.cancelledEntries);
    }

    /** Entries acknowledged before the writer reached them, so never written (since open). */
    long unwrittenEntries() {
        return unwritten.sum();
    }

    private AtomicLong queue(String endpoint, int priority) {
        return queues.computeIfAbsent(endpoint, e -> new ConcurrentHashMap<>())
                .computeIfAbsent(priority, p -> new AtomicLong());
    }

    /** Committed entries of {@code endpoint}, all priorities. */
    long queueLength(String endpoint) {
        Map<Integer, AtomicLong> byPriority = queues.get(endpoint);
        long total = 0;
        if (byPriority != null) {
            for (AtomicLong n : byPriority.values()) {
                total += n.get();
            }
        }
        return total;
    }

    /** Sorted. Loops, not streams: the edge hub asks on every module-input fetch. */
    List<String> endpointsWithEntries() {
        List<String> result = new ArrayList<>();
        queues.forEach((endpoint, byPriority) -> {
            for (AtomicLong n : byPriority.values()) {
                if (n.get() > 0) {
                    result.add(endpoint);
                    return;
                }
            }
        });
        result.sort(null);
        return result;
    }

    /** Queue lengths by endpoint, then priority; empty queues left out. */
    Map<String, Map<Integer, Long>> queueLengths() {
        Map<String, Map<Integer, Long>> result = new TreeMap<>();
        queues.forEach((endpoint, byPriority) -> byPriority.forEach((p, n) -> {
            long length = n.get();
            if (length > 0) {
                result.computeIfAbsent(endpoint, e -> new TreeMap<>()).put(p, length);
            }
        }));
        return result;
    }

    Map<String, Long> dropped() {
        Map<String, Long> result = new TreeMap<>();
        dropped.forEach((reason, n) -> result.put(reason, n.sum()));
        return result;
    }

    /** What one group changes; filled by the writer's tasks, applied on commit, discarded on rollback. */
    static final class GroupDelta {
        long addedBytes;
        long freedBytes;
        /** Admitted for entries (and messages) cancelled before they were written: free again. */
        long cancelledBytes;
        long cancelledEntries;
        long ttlExpired;
        long overflow;
        final Map<String, Map<Integer, Long>> queues = new HashMap<>();
        /** For {@link QueueTails}: entries this group added and deleted. */
        final List<QueueTails.Entry> added = new ArrayList<>();
        final List<QueueTails.Deleted> deleted = new ArrayList<>();

        void queue(String endpoint, int priority, long change) {
            queues.computeIfAbsent(endpoint, e -> new HashMap<>()).merge(priority, change, Long::sum);
        }

        boolean isEmpty() {
            return addedBytes == 0 && freedBytes == 0 && cancelledBytes == 0 && queues.isEmpty() && ttlExpired == 0
                    && overflow == 0;
        }
    }
}
