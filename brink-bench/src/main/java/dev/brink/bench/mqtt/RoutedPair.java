package dev.brink.bench.mqtt;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One producer and one consumer connected to a broker (the edge hub as two modules, or Mosquitto as two anonymous
 * clients); the producer publishes QoS 1 to a topic that reaches the consumer's subscription (through a route, or
 * directly). Every payload starts with {@code run id (int), sequence (int), send time (System.nanoTime)}: latency
 * is delivery at the consumer minus the send time (one JVM, one clock); deliveries left over from an earlier run
 * (the edge hub keeps undelivered input messages) are recognised by the run id and ignored.
 *
 * <p>Two ways to drive it: {@link #closedLoop} keeps {@code window} messages outstanding — published and not yet
 * both delivered at the consumer and PUBACKed to the producer (end-to-end, so throughput is what actually arrives,
 * and the producer never has more than {@code window} unacknowledged PUBLISHes, as an SDK with that in-flight
 * limit would not; a broker that delivers before it acknowledges gains nothing beyond that), {@link #paced}
 * publishes at a fixed rate (open loop).
 * All producer state lives on the producer's event loop, all consumer state on the consumer's.
 */
final class RoutedPair implements AutoCloseable {
    /** Where the two clients connect: {@code subscribeFilter} is the consumer's subscription. */
    record Endpoints(String name, String host, int port, java.nio.file.Path caPem, DeviceLogin producer,
            DeviceLogin consumer, String subscribeFilter, long pid) {
        MqttTarget target(DeviceLogin login) {
            return new MqttTarget(name, host, port, caPem, java.util.List.of(login), pid);
        }
    }

    /** One measured run. {@code delivered} counts first deliveries whose arrival fell in the measured interval. */
    record Result(String broker, String mode, long delivered, double seconds, LatencyRecorder.Summary latency,
            long sent, long received, long duplicates, long missing, long errors, double brokerCores, String load,
            java.util.List<String> busiestThreads) {
        double perSecond() {
            return delivered / seconds;
        }
    }

    private static final AtomicLong RUNS = new AtomicLong(System.nanoTime() & 0x7fff);

    private final Endpoints endpoints;
    private final LoadGenerator.Connected producer;
    private final LoadGenerator.Connected consumer;
    private final int runId = (int) RUNS.incrementAndGet();
    private final LatencyRecorder latencies = new LatencyRecorder();
    private final BitSet seen = new BitSet();
    private final AtomicLong errors = new AtomicLong();
    private volatile long received;
    private volatile long duplicates;
    private volatile long deliveredInWindow;
    private volatile long sent;
    private long outstanding;
    // Producer's event loop: which sequence numbers were PUBACKed / delivered (a message stops being outstanding
    // once both happened), and the PUBLISH packet id of each sequence number not yet PUBACKed.
    private final BitSet acked = new BitSet();
    private final BitSet deliveredSeq = new BitSet();
    private final java.util.Map<Integer, Integer> seqByPacketId = new java.util.HashMap<>();
    private final java.util.Set<Integer> earlyPubacks = new java.util.HashSet<>();
    private long measureFrom;
    private long measureUntil;
    private int payloadBytes;
    private int window;
    /** Set before the run starts; read on the producer's event loop (the task hand-off publishes it). */
    private boolean closedLoop = true;

    private RoutedPair(Endpoints endpoints, LoadGenerator.Connected producer, LoadGenerator.Connected consumer) {
        this.endpoints = endpoints;
        this.producer = producer;
        this.consumer = consumer;
    }

    /** Connects the consumer (and waits for its SUBACK), then the producer. */
    static RoutedPair connect(LoadGenerator load, Endpoints ep, int maxInflight) throws Exception {
        LoadGenerator.Connected consumer = load.connect(ep.target(ep.consumer()), ep.consumer(), true, maxInflight)
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        CompletableFuture<Void> subscribed = new CompletableFuture<>();
        consumer.context().runOnContext(v -> {
            consumer.client().subscribeCompletionHandler(ack -> subscribed.complete(null));
            consumer.client().subscribe(ep.subscribeFilter(), 1).onFailure(subscribed::completeExceptionally);
        });
        subscribed.get(30, TimeUnit.SECONDS);
        LoadGenerator.Connected producer = load.connect(ep.target(ep.producer()), ep.producer(), true, maxInflight)
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        RoutedPair pair = new RoutedPair(ep, producer, consumer);
        consumer.context().runOnContext(v -> consumer.client().publishHandler(pair::onDelivery));
        producer.context().runOnContext(v -> producer.client().publishCompletionHandler(pair::onPuback));
        return pair;
    }

    /** Closed loop: {@code window} messages published and not yet delivered, warm-up then measured interval. */
    Result closedLoop(int window, int payloadBytes, double warmupSeconds, double seconds) throws InterruptedException {
        this.window = window;
        start(payloadBytes, warmupSeconds, seconds);
        producer.context().runOnContext(v -> {
            for (int i = 0; i < window; i++) {
                sendOne();
            }
        });
        return finish("closed loop, " + window + " in flight", seconds, () -> { });
    }

    /** Open loop at {@code perSecond}, in 10 ms ticks; {@code maxOutstanding} bounds what may pile up. */
    Result paced(int perSecond, int payloadBytes, double warmupSeconds, double seconds, int maxOutstanding,
            Runnable everySecond) throws InterruptedException {
        this.window = maxOutstanding;
        this.closedLoop = false;
        start(payloadBytes, warmupSeconds, seconds);
        long t0 = System.nanoTime();
        long[] due = {0};
        long timer = producer.context().owner().setPeriodic(10, id -> {
            long target = (long) ((System.nanoTime() - t0) / 1e9 * perSecond);
            while (due[0] < target && outstanding < maxOutstanding && System.nanoTime() < measureUntil) {
                due[0]++;
                sendOne();
            }
            due[0] = Math.max(due[0], target); // a stall is not caught up in a burst: the rate stays the rate
        });
        try {
            return finish("open loop, " + perSecond + " msg/s", seconds, everySecond);
        } finally {
            producer.context().owner().cancelTimer(timer);
        }
    }

    private void start(int payloadBytes, double warmupSeconds, double seconds) {
        this.payloadBytes = payloadBytes;
        measureFrom = System.nanoTime() + (long) (warmupSeconds * 1e9);
        measureUntil = measureFrom + (long) (seconds * 1e9);
        producer.context().runOnContext(v -> producer.client().closeHandler(x -> errors.incrementAndGet()));
    }

    /** Waits out the warm-up and the measured interval (calling {@code everySecond} in it), then the drain. */
    private Result finish(String mode, double seconds, Runnable everySecond) throws InterruptedException {
        sleepUntil(measureFrom);
        long ticks0 = ProcStats.processTicks(endpoints.pid());
        java.util.Map<String, Long> threads0 = ProcStats.threadTicks(endpoints.pid());
        while (System.nanoTime() < measureUntil) {
            sleepUntil(Math.min(measureUntil, System.nanoTime() + 1_000_000_000L));
            everySecond.run();
        }
        long ticks1 = ProcStats.processTicks(endpoints.pid());
        java.util.List<String> busiest = ProcStats.busiestThreads(threads0, ProcStats.threadTicks(endpoints.pid()),
                seconds, 8);
        String load = loadAverage();
        long drainBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < drainBy && received < sent) {
            Thread.sleep(20);
        }
        Thread.sleep(200); // late duplicates
        LatencyRecorder.Summary summary = LatencyRecorder.merge(java.util.List.of(latencies));
        return new Result(endpoints.name(), mode, deliveredInWindow, seconds, summary, sent, received, duplicates,
                sent - received, errors.get(), ProcStats.ticksToSeconds(ticks1 - ticks0) / seconds, load, busiest);
    }

    /** On the producer's event loop. */
    private void sendOne() {
        MqttClient client = producer.client();
        if (System.nanoTime() >= measureUntil || !client.isConnected()) {
            return;
        }
        int seq = (int) sent;
        sent++;
        outstanding++;
        Buffer payload = Buffer.buffer(new byte[payloadBytes]);
        payload.setInt(0, runId).setInt(4, seq).setLong(8, System.nanoTime());
        client.publish(endpoints.producer().telemetryTopic(), payload, MqttQoS.AT_LEAST_ONCE, false, false)
                .onSuccess(packetId -> {
                    if (earlyPubacks.remove(packetId)) { // the PUBACK overtook the send's completion
                        acked.set(seq);
                        settled(seq);
                    } else {
                        seqByPacketId.put(packetId, seq);
                    }
                })
                .onFailure(e -> {
                    errors.incrementAndGet();
                    outstanding--;
                    producer.context().owner().setTimer(10, id -> refill());
                });
    }

    /** On the consumer's event loop; QoS 1 PUBACKs are sent by the client itself (auto-ack). */
    private void onDelivery(MqttPublishMessage m) {
        long now = System.nanoTime();
        Buffer b = m.payload();
        if (b.length() < 16 || b.getInt(0) != runId) {
            return;
        }
        int seq = b.getInt(4);
        if (seen.get(seq)) {
            duplicates++;
            return;
        }
        seen.set(seq);
        received++;
        if (now >= measureFrom && now < measureUntil) {
            latencies.record(now - b.getLong(8));
            deliveredInWindow++;
        }
        producer.context().runOnContext(v -> {
            deliveredSeq.set(seq);
            settled(seq);
        });
    }

    /** On the producer's event loop: the PUBACK of a PUBLISH. */
    private void onPuback(int packetId) {
        Integer seq = seqByPacketId.remove(packetId);
        if (seq == null) {
            earlyPubacks.add(packetId);
        } else {
            acked.set(seq);
            settled(seq);
        }
    }

    /** On the producer's event loop: a message stops being outstanding once delivered and PUBACKed. */
    private void settled(int seq) {
        if (acked.get(seq) && deliveredSeq.get(seq)) {
            acked.clear(seq);
            deliveredSeq.clear(seq);
            outstanding--;
            refill();
        }
    }

    /** Closed loop: top the window up again (in the paced mode the timer does all the sending). */
    private void refill() {
        if (!closedLoop) {
            return;
        }
        while (outstanding < window && System.nanoTime() < measureUntil && producer.client().isConnected()) {
            sendOne();
        }
    }

    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    @Override
    public void close() {
        LoadGenerator.disconnectAll(java.util.List.of(producer, consumer));
    }
}
