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
 * the file holds for it: then peeks use it. It starts complete for an endpoint without entries at open, stops
 * being complete when it would exceed its bound (the queue is backing up: peeks read SQLite), and is complete
 * again once the committed queue is empty, or once the writer has {@link #reload loaded} it back from the file
 * when it is down to {@link #RELOAD_AT} entries (under a steady flow a queue seldom empties completely).
 *
 * <p>Appends are <em>offered</em> as they are queued for the writer ({@link #offer}), before their commit: a
 * complete tail shows them at once, so a module input or the upstream pump can be sent a message while its write
 * is still on its way (a crash then gives a duplicate when the sender sends again, never a loss: the sender has
 * no PUBACK yet). An entry acknowledged before the writer reached it is {@link #cancel cancelled} and never
 * written. Each entry's {@link Entry#state} settles that race: the writer moves it from PENDING to WRITTEN, a
 * cancellation from PENDING to CANCELLED, and only one of them can win. The writer's commit adds what an offer
 * could not (idempotent by id) and removes what it deleted; a rolled-back group's entries are
 * {@link #retract retracted}. Thread-safe.
 */
final class QueueTails {
    /** Entries per endpoint kept in memory at most. */
    static final int MAX_ENTRIES = 4_000;
    /** A backed-up queue is loaded back into memory once its committed length is down to this. */
    static final int RELOAD_AT = 1_000;
    /** Body and property bytes per endpoint kept in memory at most. */
    static final long MAX_BYTES = 4L << 20;

    /**
     * One queued entry as the writer committed it. Its message is decoded from the stored form (so it is exactly
     * what a read of the file gives), once, on the first peek that returns it: not on the appender's event loop.
     */
    static final class Entry {
        static final int PENDING = 0;
        static final int WRITTEN = 1;
        static final int CANCELLED = 2;
        static final int FAILED = 3;

        private final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger();
        private final long id;
        private final String endpoint;
        private final int priority;
        private final long expiresMs;
        private final long bytes;
        private final String properties;
        private final byte[] body;
        private final long enqueuedNanos;
        private volatile Message message;
        private final Runnable onCancelled;
        /** Shown by an offer, then taken out of memory by a backed-up tail before its commit. */
        volatile boolean hidden;

        Entry(long id, String endpoint, int priority, long expiresMs, long bytes, String properties, byte[] body,
                long enqueuedNanos) {
            this(id, endpoint, priority, expiresMs, bytes, properties, body, enqueuedNanos, null);
        }

        /** {@code onCancelled}: run (outside any lock) when this entry is cancelled, e.g. to count down its append. */
        Entry(long id, String endpoint, int priority, long expiresMs, long bytes, String properties, byte[] body,
                long enqueuedNanos, Runnable onCancelled) {
            this.onCancelled = onCancelled;
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

        /** Writer thread, inside the append: true if the entry is to be written (nobody cancelled it first). */
        boolean markWritten() {
            return state.compareAndSet(PENDING, WRITTEN);
        }

        /** The entry's group rolled back: a late cancellation must not claim it. */
        void markFailed() {
            state.set(FAILED);
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

        /** Within the bound with {@code e} added. */
        boolean hasRoomFor(Entry e) {
            return byId.size() < MAX_ENTRIES && bytes + e.bytes() <= MAX_BYTES;
        }
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
     * Writer thread, after a group committed (and the ledger took its figures): its new entries (those not shown
     * since their offer), then its deleted ones; {@code queueLength} gives the committed length of a queue.
     */
    synchronized void committed(List<Entry> added, List<Deleted> deleted, ToLongFunction<String> queueLength) {
        added.forEach(this::added);
        for (Deleted d : deleted) {
            deleted(d.endpoint(), d.id(), queueLength.applyAsLong(d.endpoint()) == 0);
        }
    }

    /**
     * As an append is queued for the writer (ids allocated, order = id order): shows its entries at once where
     * the tail is complete and has room. True when every entry is visible now; false when some will only be
     * visible once committed (read from the file, or added by the commit).
     */
    synchronized boolean offer(List<Entry> entries) {
        boolean all = true;
        for (Entry e : entries) {
            Tail t = tail(e.endpoint());
            if (!t.complete || !t.hasRoomFor(e)) {
                all = false; // the commit adds it if there is room by then, or makes the tail incomplete
                continue;
            }
            put(t, e);
        }
        return all;
    }

    /**
     * Drops entry {@code id} of {@code endpoint} if its append has not been written yet: it disappears from peeks
     * and the writer will skip it. False when it was written already (or is not in memory): remove it from the file.
     */
    boolean cancel(String endpoint, long id) {
        Entry e = cancelled(endpoint, id);
        if (e == null) {
            return false;
        }
        if (e.onCancelled != null) {
            e.onCancelled.run(); // outside the lock: it may complete futures whose callbacks run here
        }
        return true;
    }

    private synchronized Entry cancelled(String endpoint, long id) {
        Tail t = tails.get(endpoint);
        Entry e = t == null ? null : t.byId.get(id);
        if (e == null || !e.state.compareAndSet(Entry.PENDING, Entry.CANCELLED)) {
            return null;
        }
        drop(t, e);
        return e;
    }

    /** Writer thread: a group rolled back; the entries its appends wrote are not in the file after all. */
    synchronized void retract(List<Entry> entries) {
        for (Entry e : entries) {
            e.markFailed();
            Tail t = tails.get(e.endpoint());
            if (t != null && t.byId.get(e.id()) == e) {
                drop(t, e);
            }
        }
    }

    /** Endpoints whose tail shows at least one entry (some perhaps not committed yet). */
    synchronized List<String> endpointsShowingEntries() {
        List<String> result = new ArrayList<>();
        tails.forEach((endpoint, t) -> {
            if (t.complete && !t.byId.isEmpty()) {
                result.add(endpoint);
            }
        });
        return result;
    }

    private static void put(Tail t, Entry e) {
        t.entries.put(e, e);
        t.byId.put(e.id(), e);
        t.bytes += e.bytes();
    }

    private static void drop(Tail t, Entry e) {
        t.entries.remove(e);
        t.byId.remove(e.id());
        t.bytes -= e.bytes();
    }

    private void added(Entry e) {
        Tail t = tail(e.endpoint());
        if (!t.complete || t.byId.containsKey(e.id())) {
            return; // not served from memory, or shown since its offer
        }
        if (!t.hasRoomFor(e)) {
            // Offered entries not committed yet vanish from peeks until their commit: their appenders must tell
            // the readers again then (Entry.hidden).
            t.byId.values().forEach(x -> x.hidden = true);
            t.entries.clear(); // backing up: served from SQLite until the queue has drained
            t.byId.clear();
            t.bytes = 0;
            t.complete = false;
            return;
        }
        put(t, e);
    }

    private void deleted(String endpoint, long id, boolean queueEmpty) {
        Tail t = tails.get(endpoint);
        if (t == null) {
            return; // cannot happen: an endpoint with entries has a tail (from open, or from its first entry)
        }
        Entry e = t.byId.get(id);
        if (e != null) {
            drop(t, e);
        }
        if (queueEmpty) {
            t.complete = true;
        }
    }

    /** Writer thread: the endpoints whose tail is not complete and whose committed queue is down to {@link #RELOAD_AT}. */
    synchronized List<String> reloadable(ToLongFunction<String> queueLength) {
        List<String> result = new ArrayList<>();
        tails.forEach((endpoint, t) -> {
            if (!t.complete && queueLength.applyAsLong(endpoint) <= RELOAD_AT) {
                result.add(endpoint);
            }
        });
        return result;
    }

    /**
     * Writer thread, between groups: {@code entries} are the whole committed queue of {@code endpoint} as the file
     * holds it now (nobody else writes the file, and an incomplete tail shows no offers, so nothing else is in
     * flight for it in memory); the tail holds them and is complete again, unless they exceed its bound.
     */
    synchronized void reload(String endpoint, List<Entry> entries) {
        Tail t = tails.get(endpoint);
        long bytes = entries.stream().mapToLong(Entry::bytes).sum();
        if (t == null || t.complete || entries.size() > MAX_ENTRIES || bytes > MAX_BYTES) {
            return;
        }
        for (Entry e : entries) {
            e.markWritten(); // as the file has it: an acknowledgement removes it through the writer
            put(t, e);
        }
        t.complete = true;
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
