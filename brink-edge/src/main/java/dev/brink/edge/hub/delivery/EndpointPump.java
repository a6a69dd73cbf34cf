package dev.brink.edge.hub.delivery;

import dev.brink.edge.hub.store.MessageStore;
import dev.brink.edge.hub.store.QueuedMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarding loop of one endpoint, on its own thread. It keeps up to {@link PumpOptions#window()} sends
 * outstanding, in queue order (the sender keeps call order on its link), takes acknowledgements only in order
 * (go-back-N): when a send fails, everything after it is sent again after the back-off, so the receiver never sees
 * a gap, at the price of duplicates for the ones that had already arrived (counted in {@code retried}).
 * Acknowledged entries are removed from the store in batches; until that removal is durable they are left out of
 * the next peeks. All fields except the signal flags and the concurrent sets belong to the pump thread.
 */
final class EndpointPump {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointPump.class);

    private record Outstanding(long entryId, CompletableFuture<Void> result) {
    }

    private final String endpointId;
    private final MessageStore store;
    private final EndpointSender sender;
    private final PumpOptions options;
    private final LongAdder retried;
    private final LongAdder delivered;
    private final Thread thread;

    private final Object lock = new Object();
    private boolean signalled; // guarded by lock: a completion, a wake, a finished removal
    private boolean restored; // guarded by lock: linkRestored() since the last back-off
    private volatile boolean stopped;

    private final ArrayDeque<Outstanding> window = new ArrayDeque<>();
    private final Set<Long> inFlight = new HashSet<>();
    private final List<Long> acked = new ArrayList<>();
    private final Set<Long> removing = ConcurrentHashMap.newKeySet();
    /** Entries sent at least once and not acknowledged in order: sending one again is a possible duplicate. */
    private final Set<Long> sentBefore = ConcurrentHashMap.newKeySet();
    private long backoffMs;

    EndpointPump(String endpointId, MessageStore store, EndpointSender sender, PumpOptions options, LongAdder retried,
            LongAdder delivered) {
        this.endpointId = endpointId;
        this.store = store;
        this.sender = sender;
        this.options = options;
        this.retried = retried;
        this.delivered = delivered;
        // A platform thread: Java 17 has no virtual threads, and there is one pump per push endpoint (a handful).
        this.thread = new Thread(this::run, "brink-pump-" + endpointId);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void wake() {
        signal();
    }

    void linkRestored() {
        synchronized (lock) {
            restored = true;
            signalled = true;
            lock.notifyAll();
        }
    }

    /** Stops the loop; outstanding sends are abandoned (their entries stay queued). */
    void stop() {
        stopped = true;
        linkRestored();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Pump of {} did not stop within 10 s", endpointId);
        }
    }

    private void run() {
        while (!stopped) {
            try {
                step();
            } catch (RuntimeException e) {
                // The store failed (or is closed): nothing was lost, try again after the back-off.
                LOG.warn("Pump of {}: {}", endpointId, e.getMessage());
                awaitOutstanding();
                resetWindow();
                backOff();
            }
        }
    }

    private void step() {
        if (harvest()) {
            awaitOutstanding();
            LOG.info("Pump of {}: a send failed ({}); {} sends to repeat", endpointId, failureOf(window.peekFirst()),
                    window.size());
            resetWindow();
            flushRemovals();
            backOff();
            return;
        }
        if (acked.size() >= options.removeBatch() || (window.isEmpty() && !acked.isEmpty())) {
            flushRemovals();
        }
        int free = options.window() - window.size();
        int sent = 0;
        if (!anyFailed() && (window.isEmpty() || free >= Math.max(1, options.window() / 4))) {
            sent = fill(free);
        }
        if (sent == 0 || window.size() >= options.window()) {
            awaitSignal(window.isEmpty() && acked.isEmpty() ? options.idlePoll().toMillis() : 1000);
        }
    }

    /** Takes the acknowledged head of the window; true when the head failed. */
    private boolean harvest() {
        while (!window.isEmpty()) {
            Outstanding head = window.peekFirst();
            if (!head.result().isDone()) {
                return false;
            }
            if (head.result().isCompletedExceptionally()) {
                return true;
            }
            window.pollFirst();
            inFlight.remove(head.entryId());
            sentBefore.remove(head.entryId());
            acked.add(head.entryId());
            delivered.increment();
            backoffMs = 0;
        }
        return false;
    }

    /** A send of the window failed: send nothing more until the window is settled and the back-off is over. */
    private boolean anyFailed() {
        for (Outstanding o : window) {
            if (o.result().isCompletedExceptionally()) {
                return true;
            }
        }
        return false;
    }

    private int fill(int free) {
        // Acknowledged entries stay queued until their removal commits; they must not go out again meanwhile.
        Set<Long> skip = new HashSet<>(inFlight);
        skip.addAll(acked);
        skip.addAll(removing);
        List<QueuedMessage> next = store.peek(endpointId, free, skip);
        int sent = 0;
        for (QueuedMessage q : next) {
            if (stopped || (!window.isEmpty() && window.peekLast().result().isCompletedExceptionally())) {
                break;
            }
            if (sentBefore.contains(q.entryId())) {
                retried.increment();
            }
            CompletableFuture<Void> result = send(q);
            window.addLast(new Outstanding(q.entryId(), result));
            inFlight.add(q.entryId());
            sent++;
        }
        return sent;
    }

    private CompletableFuture<Void> send(QueuedMessage q) {
        CompletableFuture<Void> sending;
        try {
            sending = sender.send(q);
        } catch (RuntimeException e) {
            sending = CompletableFuture.failedFuture(e);
        }
        if (sending == null) {
            sending = CompletableFuture.failedFuture(new IllegalStateException("the sender returned no future"));
        }
        // A dependent copy with a deadline, so a sender that never answers cannot stall the pump.
        CompletableFuture<Void> result = sending.thenApply(v -> v);
        result.orTimeout(options.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((v, e) -> signal());
        return result;
    }

    private void flushRemovals() {
        if (acked.isEmpty()) {
            return;
        }
        List<Long> batch = List.copyOf(acked);
        acked.clear();
        removing.addAll(batch);
        CompletableFuture<Void> removal;
        try {
            removal = store.remove(endpointId, batch);
        } catch (RuntimeException e) {
            removal = CompletableFuture.failedFuture(e);
        }
        removal.whenComplete((v, e) -> {
            if (e != null) {
                // Delivered but still queued: they will be sent again.
                LOG.warn("Pump of {}: removing {} delivered entries failed: {}", endpointId, batch.size(),
                        e.getMessage());
                sentBefore.addAll(batch);
            }
            removing.removeAll(batch);
            signal();
        });
    }

    /** After a failure: wait until every outstanding send has an answer (bounded by the send timeout). */
    private void awaitOutstanding() {
        while (!stopped && window.stream().anyMatch(o -> !o.result().isDone())) {
            awaitSignal(1000);
        }
    }

    /** Everything still in the window goes again, from the first failed one on (go-back-N). */
    private void resetWindow() {
        window.forEach(o -> sentBefore.add(o.entryId()));
        window.clear();
        inFlight.clear();
        if (sentBefore.size() > 100_000) {
            sentBefore.clear(); // only feeds a counter; entries that expired meanwhile must not pile up
        }
    }

    /** Waits 1 s, 2 s, 4 s … up to the maximum; {@link #linkRestored()} (or stop) cuts it short. */
    private void backOff() {
        backoffMs = backoffMs == 0 ? options.initialBackoff().toMillis()
                : Math.min(backoffMs * 2, options.maxBackoff().toMillis());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs);
        synchronized (lock) {
            long left;
            while (!restored && !stopped && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    stopped = true;
                }
            }
            if (restored) {
                LOG.info("Pump of {}: link restored, retrying now", endpointId);
                backoffMs = 0;
            }
            restored = false;
        }
    }

    private void signal() {
        synchronized (lock) {
            signalled = true;
            lock.notifyAll();
        }
    }

    private void awaitSignal(long timeoutMs) {
        synchronized (lock) {
            if (!signalled && !stopped) {
                try {
                    lock.wait(timeoutMs);
                } catch (InterruptedException e) {
                    stopped = true;
                }
            }
            signalled = false;
        }
    }

    private static String failureOf(Outstanding o) {
        if (o == null) {
            return "store";
        }
        try {
            o.result().join();
            return "?";
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return cause.toString();
        }
    }
}
