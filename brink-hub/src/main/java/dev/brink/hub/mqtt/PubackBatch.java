package dev.brink.hub.mqtt;

import io.vertx.core.Context;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Hands the PUBACKs of one connection's durable telemetry from the events log's completion thread to the
 * connection's event loop in batches: a group commit completes many appends at once, and instead of one
 * {@code runOnContext} task (and one event-loop wake-up) per PUBACK, the first completion schedules one task that
 * drains everything completed by the time it runs. Order is kept (one FIFO queue; the log completes in order),
 * and a failure travels in the same queue, so PUBACKs completed before it still leave before the connection is
 * closed. Thread-safe on the producing side; the consumers run on the connection's context.
 */
final class PubackBatch {
    private static final int FAILED = -1;

    private final Context context;
    private final IntConsumer acknowledge;
    private final Consumer<String> fail;
    private final ConcurrentLinkedQueue<Integer> completed = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile String failure;
    private boolean failed; // confined to the context

    PubackBatch(Context context, IntConsumer acknowledge, Consumer<String> fail) {
        this.context = context;
        this.acknowledge = acknowledge;
        this.fail = fail;
    }

    /** Packet {@code packetId} is durable: PUBACK it (any thread). */
    void add(int packetId) {
        completed.add(packetId);
        schedule();
    }

    /** An append failed: close the connection after the PUBACKs queued before it (any thread). */
    void failed(String why) {
        failure = why;
        completed.add(FAILED);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }

    private void drain() {
        // Reset first: a completion racing with this drain either is seen below or schedules the next drain.
        scheduled.set(false);
        Integer packetId;
        while ((packetId = completed.poll()) != null) {
            if (failed) {
                continue; // nothing after a failure is acknowledged: the connection is closing
            }
            if (packetId == FAILED) {
                failed = true;
                fail.accept(failure);
            } else {
                acknowledge.accept(packetId);
            }
        }
    }
}
