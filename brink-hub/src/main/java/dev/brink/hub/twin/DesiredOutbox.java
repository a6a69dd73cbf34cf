package dev.brink.hub.twin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.id.IdentityKey;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers committed desired-property changes to the listeners in commit order, each exactly once.
 *
 * <p>Why a queue: a write's future may complete before its caller has attached a callback (the writer and
 * the acknowledgement thread can outrun the caller), and callbacks attached late run on the caller's
 * thread. Delivering from those callbacks would let a later commit overtake an earlier one. Instead each
 * write task appends its batch here as its last step, on the store's writer thread, so queue order is
 * commit order; a batch is handed to the listeners only once its own write has committed and every
 * batch before it has been delivered or dropped (its group failed to commit).
 */
final class DesiredOutbox {
    private static final Logger LOG = LoggerFactory.getLogger(DesiredOutbox.class);

    private enum State { PENDING, COMMITTED, FAILED }

    private final BiConsumer<IdentityKey, ObjectNode> deliver;
    private final ArrayDeque<Batch> queue = new ArrayDeque<>(); // guarded by this
    private boolean draining; // guarded by this: one thread delivers at a time, so order holds

    DesiredOutbox(BiConsumer<IdentityKey, ObjectNode> deliver) {
        this.deliver = deliver;
    }

    /** The desired changes of one write task; created before the write is queued. */
    static final class Batch {
        private final DesiredChanges changes = new DesiredChanges();
        private final CompletableFuture<Void> delivered = new CompletableFuture<>();
        private boolean enqueued; // guarded by the outbox
        private State state = State.PENDING; // guarded by the outbox

        DesiredChanges changes() {
            return changes;
        }

        /** Completes once this batch's listeners have run (or it was dropped / had nothing to deliver). */
        CompletableFuture<Void> delivered() {
            return delivered;
        }
    }

    /** Called on the writer thread as the task's last step, so queue order is commit order. */
    synchronized void enqueue(Batch batch) {
        if (!batch.changes.isEmpty()) {
            batch.enqueued = true;
            queue.addLast(batch);
        }
    }

    /** Called once the batch's write future completed: delivers every batch that is now due. */
    void resolve(Batch batch, boolean committed) {
        synchronized (this) {
            if (batch.enqueued) {
                batch.state = committed ? State.COMMITTED : State.FAILED;
                if (draining) {
                    return; // the thread draining now will reach it
                }
                draining = true;
            }
        }
        if (batch.enqueued) {
            drain();
        } else {
            batch.delivered.complete(null);
        }
    }

    private void drain() {
        while (true) {
            Batch head;
            synchronized (this) {
                head = queue.peekFirst();
                if (head == null || head.state == State.PENDING) {
                    draining = false;
                    return;
                }
                queue.pollFirst();
            }
            try {
                if (head.state == State.COMMITTED) {
                    head.changes.forEach(deliver);
                }
            } catch (RuntimeException e) {
                LOG.warn("desired-property delivery failed", e);
            } finally {
                head.delivered.complete(null);
            }
        }
    }
}
