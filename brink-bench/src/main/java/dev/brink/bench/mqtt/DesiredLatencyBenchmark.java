package dev.brink.bench.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.json.Json;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 3, benchmark 2: desired patch → device notification latency. A hub in a child JVM; {@code --devices}
 * devices connect over TLS and subscribe to {@code $iothub/twin/PATCH/properties/desired/#}; patches go through
 * the REST API ({@code PATCH /twins/{d}}) at a fixed rate, open loop, round-robin over the devices, each
 * carrying its send time; the latency is taken when the device receives
 * {@code $iothub/twin/PATCH/properties/desired/?$version=N}. Sender and receivers share this JVM's clock.
 */
@Command(name = "desired-latency", mixinStandardHelpOptions = true,
        description = "REST desired patch -> MQTT device notification latency at a fixed rate.")
public final class DesiredLatencyBenchmark implements Callable<Integer> {
    private static final int STRAGGLER_SECONDS = 30;

    @Option(names = "--work", required = true, description = "Scratch directory (hub data, logs, pid files).")
    Path work;

    @Option(names = "--out", description = "Markdown file the tables are appended to.")
    Path out;

    @Option(names = "--devices", description = "Subscribed devices (default: ${DEFAULT-VALUE}).")
    int devices = 100;

    @Option(names = "--rate", description = "Patches per second (default: ${DEFAULT-VALUE}).")
    int rate = 1000;

    @Option(names = "--warmup", description = "Warm-up seconds (default: ${DEFAULT-VALUE}).")
    double warmup = 15;

    @Option(names = "--seconds", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
    double seconds = 20;

    @Option(names = "--http-connections", description = "REST connections (default: ${DEFAULT-VALUE}).")
    int httpConnections = 32;

    @Option(names = "--thread-dump", description = "Take a thread dump of the hub one second before the end"
            + " (jcmd Thread.print: it pauses the hub and starts a JVM beside it, so the measured latencies suffer;"
            + " for diagnosis only).")
    boolean threadDump;

    @Option(names = "--hub-jvm-opts", split = " ", description = "The hub JVM's options (default: none).")
    List<String> hubJvmOptions = new ArrayList<>();

    private final LatencyRecorder notify = new LatencyRecorder();
    private final LatencyRecorder rest = new LatencyRecorder();
    private final BitSet received = new BitSet();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong restFailures = new AtomicLong();
    private final AtomicLong restDone = new AtomicLong();
    /** Per second of the run (from the first patch): notifications that took over {@link #SLOW_NANOS}. */
    private final java.util.concurrent.ConcurrentSkipListMap<Long, AtomicLong> slowBySecond =
            new java.util.concurrent.ConcurrentSkipListMap<>();
    private static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private volatile long runStart;
    private final java.util.Set<Integer> unanswered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile String firstRestFailure;
    private volatile long measureFrom;
    private volatile long measureUntil;
    private double hubCores;
    private List<String> busiest = List.of();

    public static void main(String[] args) {
        System.exit(new CommandLine(new DesiredLatencyBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(work);
        try (HubProcess hub = HubProcess.start(work, "hub-desired", hubJvmOptions);
                LoadGenerator load = new LoadGenerator(2);
                TwinPatcher patcher = new TwinPatcher(load.vertx(), hub, httpConnections)) {
            MqttTarget target = new MqttTarget("Brink hub", "127.0.0.1", hub.mqttPort(), hub.caPem(),
                    HubDevices.create(hub, "twin", devices), hub.pid());
            LoadGenerator.ConnectResult connected = load.connectAll(target, true, 10, 500, 100);
            if (connected.failed() > 0) {
                throw new IllegalStateException(connected.failed() + " devices failed to connect; first: "
                        + connected.firstFailure());
            }
            subscribeAll(connected.connected());
            System.err.printf("desired: %d devices subscribed; %d patches/s for %.0f s + %.0f s warm-up%n",
                    devices, rate, seconds, warmup);
            long sent = sendPatches(patcher, target, hub);
            awaitStragglers(sent);
            LoadGenerator.disconnectAll(connected.connected());
            report(sent);
        }
        return 0;
    }

    private void subscribeAll(List<LoadGenerator.Connected> clients) throws Exception {
        List<Future<Integer>> subacks = new ArrayList<>();
        for (LoadGenerator.Connected c : clients) {
            subacks.add(Future.<Integer>future(p -> c.context().runOnContext(v -> {
                c.client().publishHandler(m -> received(m.topicName(), m.payload().getBytes()));
                c.client().subscribe(DeviceLogin.desiredTopicFilter(), MqttQoS.AT_MOST_ONCE.value()).onComplete(p);
            })));
        }
        Future.all(subacks).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private void received(String topic, byte[] payload) {
        long now = System.nanoTime();
        if (!topic.startsWith("$iothub/twin/PATCH/properties/desired/?$version=")) {
            return;
        }
        JsonNode bench = Json.parse(new String(payload, java.nio.charset.StandardCharsets.UTF_8)).path("bench");
        long t = bench.path("t").asLong();
        int seq = bench.path("seq").asInt();
        synchronized (received) {
            if (received.get(seq)) {
                duplicates.incrementAndGet();
                return;
            }
            received.set(seq);
        }
        if (t >= measureFrom && t < measureUntil) {
            notify.record(now - t);
        }
        if (now - t > SLOW_NANOS) {
            slowBySecond.computeIfAbsent((t - runStart) / 1_000_000_000L, k -> new AtomicLong()).incrementAndGet();
        }
    }

    private void dumpAsync(HubProcess hub) {
        Thread t = new Thread(() -> hub.threadDump(work.resolve("hub-desired-threads.txt")), "hub-thread-dump");
        t.setDaemon(true);
        t.start();
    }

    /** Waits (bounded) for every REST answer, then two seconds for notifications still on their way. */
    private void awaitStragglers(long sent) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(STRAGGLER_SECONDS);
        while (restDone.get() < sent && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        Thread.sleep(2000);
    }

    /** Open loop: patch i is due at start + i / rate, whatever happened to the earlier ones. */
    private long sendPatches(TwinPatcher patcher, MqttTarget target, HubProcess hub) {
        long hubPid = hub.pid();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        runStart = start;
        measureFrom = start + (long) (warmup * 1e9);
        measureUntil = measureFrom + (long) (seconds * 1e9);
        long total = (long) ((warmup + seconds) * rate);
        long ticks0 = -1;
        Map<String, Long> threads0 = null;
        for (int seq = 0; seq < total; seq++) {
            long due = start + (long) (seq * 1e9 / rate);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (threadDump && seq == total - rate) { // one second before the end: where are the hub's threads?
                dumpAsync(hub);
            }
            if (ticks0 < 0 && due >= measureFrom) {
                ticks0 = ProcStats.processTicks(hubPid);
                threads0 = ProcStats.threadTicks(hubPid);
            }
            String deviceId = target.devices().get(seq % target.devices().size()).deviceId();
            long t = System.nanoTime();
            String body = "{\"properties\":{\"desired\":{\"bench\":{\"seq\":" + seq + ",\"t\":" + t + "}}}}";
            boolean measured = t >= measureFrom;
            int sentSeq = seq;
            unanswered.add(sentSeq);
            patcher.patch(deviceId, body).onComplete(ar -> {
                unanswered.remove(sentSeq);
                restDone.incrementAndGet();
                if (ar.failed()) {
                    restFailures.incrementAndGet();
                    if (firstRestFailure == null) {
                        firstRestFailure = ar.cause().getMessage();
                    }
                } else if (measured) {
                    rest.record(System.nanoTime() - t);
                }
            });
        }
        hubCores = ProcStats.ticksToSeconds(ProcStats.processTicks(hubPid) - ticks0) / seconds;
        busiest = ProcStats.busiestThreads(threads0, ProcStats.threadTicks(hubPid), seconds, 6);
        return total;
    }

    private void report(long sent) {
        LatencyRecorder.Summary n = LatencyRecorder.merge(List.of(notify));
        LatencyRecorder.Summary r = LatencyRecorder.merge(List.of(rest));
        int got;
        synchronized (received) {
            got = received.cardinality();
        }
        Markdown table = new Markdown("measured", "count", "p50 ms", "p99 ms", "p99.9 ms", "max ms");
        table.row("patch sent → device notified", n.count(), LatencyRecorder.Summary.ms(n.p50()),
                LatencyRecorder.Summary.ms(n.p99()), LatencyRecorder.Summary.ms(n.p999()),
                LatencyRecorder.Summary.ms(n.max()));
        table.row("REST PATCH round trip", r.count(), LatencyRecorder.Summary.ms(r.p50()),
                LatencyRecorder.Summary.ms(r.p99()), LatencyRecorder.Summary.ms(r.p999()),
                LatencyRecorder.Summary.ms(r.max()));
        StringBuilder sb = new StringBuilder(Markdown.fmt("#### Desired patch → device notification: %,d patches/s"
                + " over %d subscribed devices, %d REST connections, %.0f s measured after %.0f s warm-up%n%n",
                rate, devices, httpConnections, seconds, warmup));
        sb.append(table).append('\n');
        sb.append(Markdown.fmt("Patches sent %,d; REST answers %,d, failures %d%s; notifications received %,d (duplicates %d)."
                + " Hub CPU during the measured interval: %.2f cores.%n", sent, restDone.get(), restFailures.get(),
                firstRestFailure == null ? "" : " (first: " + firstRestFailure + ")", got, duplicates.get(), hubCores));
        if (!unanswered.isEmpty()) {
            sb.append(Markdown.fmt("REST requests without an answer: %d, e.g. patches %s (%d per second).%n",
                    unanswered.size(), unanswered.stream().sorted().limit(10).toList(), rate));
        }
        sb.append(Markdown.fmt("Notifications over 50 ms by the second of the run they were sent in (warm-up"
                + " included): %s.%n", slowBySecond.isEmpty() ? "none" : slowBySecond.toString()));
        sb.append("\n```\n");
        busiest.forEach(l -> sb.append(l).append('\n'));
        sb.append("```\n");
        Markdown.emit(out, sb.toString());
    }
}
