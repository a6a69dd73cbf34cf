package dev.brink.bench.mqtt;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Publishes exactly {@code count} QoS 1 messages from one client, keeping {@code window} unacknowledged, and
 * completes when every one is acknowledged (the edge hub PUBACKs only after the store has synced the message).
 * Each payload starts with its sequence number. A refused or failed PUBLISH is counted and sent again.
 */
final class StoreFill {
    private final LoadGenerator.Connected client;
    private final String topic;
    private final long count;
    private final int window;
    private final int payloadBytes;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private long next;
    private long inFlight;

    StoreFill(LoadGenerator.Connected client, String topic, long count, int window, int payloadBytes) {
        this.client = client;
        this.topic = topic;
        this.count = count;
        this.window = window;
        this.payloadBytes = payloadBytes;
    }

    /** Runs to completion or {@code timeoutSeconds}; {@code progress} gets the acknowledged count every second. */
    long run(long timeoutSeconds, LongConsumer progress) throws Exception {
        client.context().runOnContext(v -> {
            client.client().publishCompletionHandler(id -> {
                inFlight--;
                if (acked.incrementAndGet() == count) {
                    done.complete(null);
                }
                fill();
            });
            client.client().closeHandler(x -> done.completeExceptionally(new IllegalStateException(
                    "the connection closed after " + acked.get() + " acknowledgements")));
            fill();
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!done.isDone()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("store fill: only " + acked.get() + " of " + count + " acknowledged in "
                        + timeoutSeconds + " s");
            }
            try {
                done.get(1, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                progress.accept(acked.get());
            }
        }
        done.get();
        return failures.get();
    }

    private void fill() {
        while (inFlight < window && next < count) {
            long seq = next++;
            inFlight++;
            Buffer payload = Buffer.buffer(new byte[payloadBytes]).setLong(0, seq);
            client.client().publish(topic, payload, MqttQoS.AT_LEAST_ONCE, false, false).onFailure(e -> {
                failures.incrementAndGet();
                inFlight--;
                next--; // not sent: the count stays exact (payload order does not matter here)
                client.context().owner().setTimer(50, id -> fill());
            });
        }
    }
}
