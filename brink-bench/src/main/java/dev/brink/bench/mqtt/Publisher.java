package dev.brink.bench.mqtt;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One device's closed-loop QoS 1 publisher: it keeps {@code window} PUBLISHes unacknowledged, sending the next
 * one as each PUBACK arrives, until the run's end time. Everything runs on the connection's event loop.
 * PUBACK latency is PUBACK arrival minus the moment before {@code publish()}. The packet id is known only
 * once the write completes, so the (unlikely) PUBACK that overtakes that completion is matched afterwards.
 */
final class Publisher {
    private static final int PACKET_IDS = 65536;

    private final LoadGenerator.Connected connection;
    private final Buffer payload;
    private final int window;
    private final long measureFrom;
    private final long measureUntil;
    private final LatencyRecorder latencies = new LatencyRecorder();
    private final AtomicLong errors;
    private final long[] sentAt = new long[PACKET_IDS];
    private final long[] ackedAt = new long[PACKET_IDS];
    private int inFlight;
    private volatile long sent;
    private volatile boolean drained;

    /**
     * @param measureFrom {@code System.nanoTime()} from which PUBACKs count (before it: warm-up)
     * @param measureUntil the time after which no new PUBLISH is sent
     */
    Publisher(LoadGenerator.Connected connection, Buffer payload, int window, long measureFrom, long measureUntil,
            AtomicLong errors) {
        this.connection = connection;
        this.payload = payload;
        this.window = window;
        this.measureFrom = measureFrom;
        this.measureUntil = measureUntil;
        this.errors = errors;
    }

    void start() {
        MqttClient client = connection.client();
        connection.context().runOnContext(v -> {
            client.publishCompletionHandler(this::acked);
            client.closeHandler(x -> drained = true);
            for (int i = 0; i < window; i++) {
                sendOne();
            }
        });
    }

    private void sendOne() {
        if (System.nanoTime() >= measureUntil || !connection.client().isConnected()) {
            drained = inFlight == 0 || !connection.client().isConnected();
            return;
        }
        inFlight++;
        sent++;
        long t0 = System.nanoTime();
        connection.client().publish(connection.login().telemetryTopic(), payload, MqttQoS.AT_LEAST_ONCE, false, false)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        errors.incrementAndGet();
                        inFlight--;
                        return;
                    }
                    int id = ar.result();
                    long ack = ackedAt[id];
                    if (ack != 0) {
                        ackedAt[id] = 0;
                        completed(t0, ack);
                    } else {
                        sentAt[id] = t0;
                    }
                });
    }

    private void acked(int packetId) {
        long now = System.nanoTime();
        long t0 = sentAt[packetId];
        if (t0 != 0) {
            sentAt[packetId] = 0;
            completed(t0, now);
        } else {
            ackedAt[packetId] = now; // the write completion is still queued: it completes this message
        }
    }

    /** Only PUBACKs inside the measured window count, for throughput and latency alike. */
    private void completed(long t0, long ackTime) {
        if (ackTime >= measureFrom && ackTime < measureUntil) {
            latencies.record(ackTime - t0);
        }
        inFlight--;
        sendOne();
    }

    LatencyRecorder latencies() {
        return latencies;
    }

    long sent() {
        return sent;
    }

    boolean drained() {
        return drained;
    }
}
