package dev.brink.bench.mqtt;

import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One telemetry measurement: N devices of one broker connect, each keeps a window of QoS 1 PUBLISHes in
 * flight through a warm-up and a measured interval, then drains and disconnects. The broker process's CPU
 * (total and per thread) is sampled at the edges of the measured interval.
 */
final class IngestRun {
    private static final long DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);

    /** The outcome; {@code busiestThreads} lists the broker's busiest threads during the measured interval. */
    record Result(String broker, int devices, int connectFailures, long acked, double seconds,
            LatencyRecorder.Summary latency, long errors, double brokerCores, List<String> busiestThreads,
            long sentTotal) {
        double perSecond() {
            return acked / seconds;
        }
    }

    private IngestRun() {
    }

    /**
     * @param threadDump where to write a thread dump of the broker in the middle of the interval (or null)
     */
    static Result run(LoadGenerator load, MqttTarget target, int devices, int window, int payloadBytes,
            double warmupSeconds, double seconds, HubProcess hubForDump, Path threadDump) throws InterruptedException {
        MqttTarget subset = new MqttTarget(target.name(), target.host(), target.port(), target.caPem(),
                target.devices().subList(0, devices), target.pid());
        LoadGenerator.ConnectResult connected = load.connectAll(subset, true, window * 2, 500, 100);
        if (connected.connected().isEmpty()) {
            throw new IllegalStateException(target.name() + ": no device connected; first failure: "
                    + connected.firstFailure());
        }
        Buffer payload = Buffer.buffer(new byte[payloadBytes]);
        long from = System.nanoTime() + (long) (warmupSeconds * 1e9);
        long until = from + (long) (seconds * 1e9);
        AtomicLong errors = new AtomicLong();
        List<Publisher> publishers = new ArrayList<>();
        for (LoadGenerator.Connected c : connected.connected()) {
            publishers.add(new Publisher(c, payload, window, from, until, errors));
        }
        publishers.forEach(Publisher::start);
        sleepUntil(from);
        long ticks0 = ProcStats.processTicks(target.pid());
        Map<String, Long> threads0 = ProcStats.threadTicks(target.pid());
        if (hubForDump != null && threadDump != null) {
            sleepUntil(from + (until - from) / 2);
            hubForDump.threadDump(threadDump);
        }
        sleepUntil(until);
        long ticks1 = ProcStats.processTicks(target.pid());
        Map<String, Long> threads1 = ProcStats.threadTicks(target.pid());
        long drainBy = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
        while (System.nanoTime() < drainBy && !publishers.stream().allMatch(Publisher::drained)) {
            Thread.sleep(20);
        }
        LoadGenerator.disconnectAll(connected.connected());
        List<LatencyRecorder> recorders = publishers.stream().map(Publisher::latencies).toList();
        LatencyRecorder.Summary summary = LatencyRecorder.merge(recorders);
        long sentTotal = publishers.stream().mapToLong(Publisher::sent).sum();
        return new Result(target.name(), devices, connected.failed(), summary.count(), seconds, summary,
                errors.get(), ProcStats.ticksToSeconds(ticks1 - ticks0) / seconds,
                ProcStats.busiestThreads(threads0, threads1, seconds, 8), sentTotal);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
