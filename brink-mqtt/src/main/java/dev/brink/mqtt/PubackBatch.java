package dev.brink.mqtt;

import io.vertx.core.Context;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The PUBACKs of one connection's device-to-cloud messages, in PUBLISH order, handed from the backend's
 * completion threads to the connection's event loop in batches.
 *
 * <p>Each PUBLISH takes a {@link Pending} ticket on the connection's context, in PUBLISH order; the backend's
 * future completes it on any thread. A durable store completes a whole group commit at once, so instead of one
 * {@code runOnContext} task (and one event-loop wake-up) per PUBACK, the first completion schedules one task
 * that drains every ticket completed by the time it runs, and flushes its PUBACKs once at the end (one TLS record
 * and one socket write for the whole batch, see {@link ChannelWriter}). The drain only releases the head of the line: a
 * backend that completes out of order (two writers, a retry) still gets its PUBACKs sent in PUBLISH order, which
 * MQTT 3.1.1 clients expect (§4.6). A failure travels in the same line: the PUBACKs before it still leave, then the
 * connection is closed and nothing after it is acknowledged. Thread-safe on the completing side; the rest runs
 * on the connection's context.
 */
final class PubackBatch {
    /** No PUBACK for this ticket (QoS 0): it only holds its place in the line, for failures. */
    static final int NO_ACK = -1;

    /** One PUBLISH waiting for its backend's answer. */
    static final class Pending {
        private final int packetId;
        private String failure; // written before done (volatile) and read after it
        private volatile boolean done;

        private Pending(int packetId) {
            this.packetId = packetId;
        }
    }

    private final Context context;
    private final IntConsumer acknowledge;
    private final Runnable flush;
    private final Consumer<String> fail;
    private final ArrayDeque<Pending> line = new ArrayDeque<>(); // confined to the context
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private boolean failed; // confined to the context

    PubackBatch(Context context, IntConsumer acknowledge, Consumer<String> fail) {
        this(context, acknowledge, () -> { }, fail);
    }

    /**
     * @param acknowledge queues one PUBACK (on the context)
     * @param flush sends the PUBACKs queued by one drain together (on the context, after them and before a failure)
     */
    PubackBatch(Context context, IntConsumer acknowledge, Runnable flush, Consumer<String> fail) {
        this.context = context;
        this.acknowledge = acknowledge;
        this.flush = flush;
        this.fail = fail;
    }

    /** A PUBLISH arrived (on the context, in order): PUBACK {@code packetId} once completed, or {@link #NO_ACK}. */
    Pending expect(int packetId) {
        Pending p = new Pending(packetId);
        if (!failed) {
            line.add(p);
        }
        return p;
    }

    /** The backend has made the message durable (any thread). */
    void completed(Pending p) {
        p.done = true;
        schedule();
    }

    /** The backend refused or failed the message: close once the PUBACKs ahead of it have left (any thread). */
    void failed(Pending p, String why) {
        p.failure = why;
        p.done = true;
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }

    private void drain() {
        // Reset first: a completion racing with this drain either is seen below or schedules the next drain
        // (it writes done before it tries to schedule).
        scheduled.set(false);
        Pending head;
        while (!failed && (head = line.peek()) != null && head.done) {
            line.poll();
            if (head.failure != null) {
                failed = true; // nothing after a failure is acknowledged: the connection is closing
                line.clear();
                flush.run(); // the PUBACKs ahead of the failure leave before the close
                fail.accept(head.failure);
                return;
            } else if (head.packetId != NO_ACK) {
                acknowledge.accept(head.packetId);
            }
        }
        flush.run();
    }
}
