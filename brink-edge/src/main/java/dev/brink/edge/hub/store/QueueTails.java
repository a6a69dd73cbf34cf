package dev.brink.edge.hub.store;

import dev.brink.core.message.Message;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The recent queue entries of each endpoint in memory, so that {@link SqliteMessageStore#peek} serves a short queue
 * without reading SQLite (measured: module inputs re-read up to a window of entries, bodies decoded, on every new
 * message; ~17 % of the edge hub's samples). An endpoint's tail is <em>complete</em> when it holds every entry
 * the file holds for it: then peeks use it. It follows the writer's commits (entries added and deleted by a
 * durable group, before that group's futures complete). It starts complete for an endpoint without entries at
 * open, stops being complete when it would exceed its bound (the queue is backing up: peeks read SQLite), and is
 * complete again once the committed queue is empty. Thread-safe: the writer changes it, readers peek.
 */
final class QueueTails {
    /** Entries per endpoint kept in memory at most. */
    static final int MAX_ENTRIES = 1_000;
    /** Body and property bytes per endpoint kept in memory at most. */
    static final long MAX_BYTES = 4L << 20;

    /**
     * One queued entry as the writer committed it. Its message is decoded from the stored form (so it is exactly
     * what a read of the file gives), once, on the first peek that returns it: not on the appender's event loop.
     */
    static final class Entry {
        private final long id;
        private final String endpoint;
        private final int priority;
        private final long expiresMs;
        private final long bytes;
        private final String properties;
        private final byte[] body;
        private final long enqueuedNanos;
        private volatile Message message;

        Entry(long id, String endpoint, int priority, long expiresMs, long bytes, String properties, byte[] body,
                long enqueuedNanos) {
            this.id = id;
            this.endpoint = endpoint;
            this.priority = priority;
            this.expiresMs = expiresMs;
            this.bytes = bytes;
            this.properties = properties;
            this.body = body;
            this.enqueuedNanos = enqueuedNanos;
        }

        long id() {
            return id;
        }

        String endpoint() {
            return endpoint;
        }

        int priority() {
            return priority;
        }

        long expiresMs() {
            return expiresMs;
        }

        long bytes() {
            return bytes;
        }

        Message message() {
            Message m = message;
            if (m == null) {
                m = MessageCodec.message(properties, body, enqueuedNanos);
                message = m; // a racing peek may decode it too: same result
            }
            return m;
        }
    }

    /** One entry a group deleted. */
    record Deleted(String endpoint, long id) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparingInt(Entry::priority)
            .thenComparingLong(Entry::id);

    private static final class Tail {
        final TreeMap<Entry, Entry> entries = new TreeMap<>(ORDER);
        final Map<Long, Entry> byId = new HashMap<>();
        boolean complete;
        long bytes;
    }

    private final Map<String, Tail> tails = new HashMap<>(); // guarded by this

    /** At open: these endpoints have entries in the file, so their tails start incomplete. */
    synchronized void incomplete(Collection<String> endpointsWithEntries) {
        for (String endpoint : endpointsWithEntries) {
            tails.put(endpoint, new Tail());
        }
    }

    private Tail tail(String endpoint) {
        return tails.computeIfAbsent(endpoint, e -> {
            Tail t = new Tail();
            t.complete = true; // never seen: nothing of it in the file
            return t;
        });
    }

    /**
     * Writer thread, after a group committed (and the ledger took its figures): its new entries, then its deleted
     * ones; {@code queueLength} gives the committed length of an endpoint's queue.
     */
    synchronized void committed(List<Entry> added, List<Deleted> deleted, ToLongFunction<String> queueLength) {
        added.forEach(this::added);
        for (Deleted d : deleted) {
            deleted(d.endpoint(), d.id(), queueLength.applyAsLong(d.endpoint()) == 0);
        }
    }

    private void added(Entry e) {
        Tail t = tail(e.endpoint());
        if (!t.complete) {
            return;
        }
        if (t.byId.size() >= MAX_ENTRIES || t.bytes + e.bytes() > MAX_BYTES) {
            t.entries.clear(); // backing up: served from SQLite until the queue has drained
            t.byId.clear();
            t.bytes = 0;
            t.complete = false;
            return;
        }
        t.entries.put(e, e);
        t.byId.put(e.id(), e);
        t.bytes += e.bytes();
    }

    private void deleted(String endpoint, long id, boolean queueEmpty) {
        Tail t = tails.get(endpoint);
        if (t == null) {
            return; // cannot happen: an endpoint with entries has a tail (from open, or from its first entry)
        }
        Entry e = t.byId.remove(id);
        if (e != null) {
            t.entries.remove(e);
            t.bytes -= e.bytes();
        }
        if (queueEmpty) {
            t.complete = true;
        }
    }

    /**
     * Like {@link SqliteMessageStore#peek}, from memory; null when the endpoint's tail is not complete (read SQLite).
     * Expired entries found are added to {@code expired} (the caller deletes them through the writer).
     */
    synchronized List<QueuedMessage> peek(String endpoint, int limit, Set<Long> skip, long nowMs, List<Long> expired) {
        Tail t = tails.get(endpoint);
        if (t == null) {
            return List.of(); // never had an entry
        }
        if (!t.complete) {
            return null;
        }
        List<QueuedMessage> live = new ArrayList<>(Math.min(limit, t.byId.size()));
        for (Entry e : t.entries.keySet()) {
            if (live.size() >= limit) {
                break;
            }
            if (skip.contains(e.id())) {
                continue;
            }
            if (e.expiresMs() <= nowMs) {
                expired.add(e.id());
                continue;
            }
            live.add(new QueuedMessage(e.id(), endpoint, e.priority(), e.message()));
        }
        return live;
    }
}
