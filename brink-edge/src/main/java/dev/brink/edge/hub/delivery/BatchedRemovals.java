package dev.brink.edge.hub.delivery;

import dev.brink.edge.hub.store.MessageStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Module-input entries acknowledged by their PUBACK, on their way out of the store. One removal write is running at
 * a time; acknowledgements that arrive meanwhile wait and go together in the next one, so under load a group
 * commit removes hundreds of entries instead of one per PUBACK (measured: the removal was a writer task per
 * message). Until its removal commits an entry is listed by {@link #skip}, so it is never delivered again. A failed
 * or lost removal (crash) leaves the entry queued: it is delivered again, at least once. Thread-safe.
 */
final class BatchedRemovals {
    private static final Logger LOG = LoggerFactory.getLogger(BatchedRemovals.class);

    private final MessageStore store;
    /** Acknowledged and not yet removed (waiting or being removed), per endpoint: left out of every peek. */
    private final Map<String, Set<Long>> removing = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private Map<String, List<Long>> waiting = new HashMap<>(); // guarded by lock
    private CompletableFuture<Void> running; // guarded by lock: the removal write in progress, null when idle
    private CompletableFuture<Void> runningDone; // guarded by lock: completed after `running`, for flushed()
    private CompletableFuture<Void> waitingDone; // guarded by lock: for flushed() while acknowledgements wait

    BatchedRemovals(MessageStore store) {
        this.store = store;
    }

    /**
     * Non-blocking: an entry whose append the store has not written yet is dropped at once (never written, no
     * removal); otherwise records the acknowledgement and starts a removal unless one is running.
     */
    void add(String endpointId, long entryId) {
        if (store.cancelUnwritten(endpointId, entryId)) {
            return;
        }
        removing.computeIfAbsent(endpointId, e -> ConcurrentHashMap.newKeySet()).add(entryId);
        synchronized (lock) {
            waiting.computeIfAbsent(endpointId, e -> new ArrayList<>()).add(entryId);
            if (running == null) {
                startNext();
            }
        }
    }

    /**
     * The entries of {@code endpointId} a peek must leave out: those being removed and those of the delivery ids in
     * {@code handedOut} ({@code {endpointId}#{entryId}}) that belong to it.
     */
    Set<Long> skip(String endpointId, Set<String> handedOut) {
        Set<Long> gone = removing.get(endpointId);
        if (handedOut.isEmpty() && (gone == null || gone.isEmpty())) {
            return Set.of();
        }
        Set<Long> skip = gone == null ? new HashSet<>() : new HashSet<>(gone);
        for (String id : handedOut) {
            int hash = id.lastIndexOf('#');
            if (hash == endpointId.length() && id.startsWith(endpointId)) {
                try {
                    skip.add(Long.parseLong(id, hash + 1, id.length(), 10));
                } catch (NumberFormatException ignored) {
                    // not an id this class handed out
                }
            }
        }
        return skip;
    }

    /** Completes once everything added so far is removed (or its removal failed). */
    CompletableFuture<Void> flushed() {
        synchronized (lock) {
            if (!waiting.isEmpty()) {
                if (waitingDone == null) {
                    waitingDone = new CompletableFuture<>();
                }
                return waitingDone;
            }
            return running != null ? runningDone : CompletableFuture.completedFuture(null);
        }
    }

    /** Called with the lock held, when no removal is running and something waits. */
    private void startNext() {
        Map<String, List<Long>> batch = waiting;
        waiting = new HashMap<>();
        runningDone = waitingDone != null ? waitingDone : new CompletableFuture<>();
        waitingDone = null;
        List<CompletableFuture<Void>> writes = new ArrayList<>(batch.size());
        batch.forEach((endpointId, ids) -> {
            CompletableFuture<Void> write;
            try {
                write = store.remove(endpointId, ids);
            } catch (RuntimeException e) {
                write = CompletableFuture.failedFuture(e);
            }
            writes.add(write.whenComplete((v, e) -> {
                if (e != null) {
                    LOG.warn("Removing {} delivered entries of {} failed (they will be delivered again): {}",
                            ids.size(), endpointId, e.getMessage());
                }
                Set<Long> gone = removing.get(endpointId);
                if (gone != null) {
                    gone.removeAll(ids);
                }
            }));
        });
        CompletableFuture<Void> all = CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
        running = all;
        all.whenComplete((v, e) -> {
            CompletableFuture<Void> done;
            synchronized (lock) {
                running = null;
                done = runningDone;
                if (!waiting.isEmpty()) {
                    startNext();
                }
            }
            done.complete(null); // outside the lock: callers' continuations may call back in
        });
    }
}
