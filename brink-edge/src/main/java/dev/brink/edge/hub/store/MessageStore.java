package dev.brink.edge.hub.store;

import dev.brink.core.message.Message;
import dev.brink.core.route.StoreAndForwardSettings;
import dev.brink.edge.hub.routing.RoutedEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The edge hub's store and forward (issue 5 §4): each accepted message is stored once and referenced by one queue
 * entry per endpoint and priority. Durable means synced before the returned future completes, or delivered and
 * removed before it was written (then it need not be written at all). Thread-safe.
 * Lifecycle: opened by its factory, {@link #close} waits for pending writes.
 */
public interface MessageStore extends AutoCloseable {

    /**
     * Stores {@code message} (with {@code enqueuedTime} set) once and queues it for every target. Completes after
     * the synced commit. Fails with {@link StoreFullException} when the disk bound is reached and the overflow
     * policy is {@code refuse}; with policy {@code dropOldest} the oldest messages are dropped (counted as
     * {@code overflow}) to make room instead. An empty target list is not stored (counted as {@code no_route}).
     */
    default CompletableFuture<Void> append(Message message, List<RoutedEndpoint> targets) {
        return enqueue(message, targets).stored();
    }

    /**
     * {@link #append}, telling the caller when readers can see the entries. With {@code shownAtOnce} they can be
     * peeked already (before the write commits: wake the readers now); otherwise, or if
     * {@code hiddenBeforeCommit} says so once {@code stored} completed, they became visible only with the commit
     * (wake the readers then). An entry seen early and removed before the writer reached it is never written.
     */
    Appended enqueue(Message message, List<RoutedEndpoint> targets);

    /** See {@link #enqueue}. */
    record Appended(CompletableFuture<Void> stored, boolean shownAtOnce,
            java.util.function.BooleanSupplier hiddenBeforeCommit) {
        /** True when readers must be woken once {@code stored} completed. */
        public boolean wakeOnCommit() {
            return !shownAtOnce || hiddenBeforeCommit.getAsBoolean();
        }
    }

    /**
     * Blocking. Up to {@code limit} entries of one endpoint in delivery order: priority 0 first, then by arrival
     * within a priority, skipping (and dropping, counted as {@code ttl_expiry}) expired ones.
     */
    List<QueuedMessage> peek(String endpointId, int limit);

    /**
     * Blocking. Like {@link #peek(String, int)} but leaves out the entries in {@code skip} (a pump's messages in
     * flight), so a pump with a window of outstanding sends does not re-read them. Implementations should skip
     * them without decoding their bodies.
     */
    default List<QueuedMessage> peek(String endpointId, int limit, Set<Long> skip) {
        List<QueuedMessage> result = new ArrayList<>(limit);
        for (QueuedMessage m : peek(endpointId, limit + skip.size())) {
            if (result.size() == limit) {
                break;
            }
            if (!skip.contains(m.entryId())) {
                result.add(m);
            }
        }
        return result;
    }

    /**
     * Non-blocking: what {@link #peek(String, int, Set)} would answer, when the store has it in memory (a short
     * queue); null when it would have to read the file. The default is always null.
     */
    default List<QueuedMessage> peekInMemory(String endpointId, int limit, Set<Long> skip) {
        return null;
    }

    /**
     * The entries were delivered: removes them; a message's body goes when its last entry goes. Entries whose
     * append was not written yet are dropped without a write.
     */
    CompletableFuture<Void> remove(String endpointId, List<Long> entryIds);

    /**
     * Non-blocking: drops the entry at once if its append has not been written yet (it never will be) and returns
     * true; false when it must be removed with {@link #remove}.
     */
    boolean cancelUnwritten(String endpointId, long entryId);

    /** New TTL default, disk bound and overflow policy (from {@code $edgeHub} desired); applies to new appends. */
    void apply(StoreAndForwardSettings settings);

    /** Endpoints with at least one entry (for starting pumps after a restart). */
    List<String> endpointsWithEntries();

    StoreStats stats();

    @Override
    void close();
}
