package dev.brink.bench.mqtt;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 2, offline drain: with the hub stopped, the producer module sends {@code count} messages to its
 * output {@code up} (routed to {@code $upstream}) through the edge hub, which stores them durably before each
 * PUBACK — the real path, no shortcut into the store. Then the hub starts again and the {@code $upstream} queue
 * (edge hub metrics, every 200 ms) is timed until it is empty; the hub's events log is counted afterwards.
 * Disk = messages.db + WAL + shm, sampled every second while filling (peak), when the queue is empty and once it
 * has settled (the store vacuums and truncates its WAL when it becomes empty).
 */
final class DrainBenchmark {
    private static final String UPSTREAM = "endpoint=\"$upstream\"";

    private final EdgeHubRig rig;
    private final LoadGenerator load;
    private final Path out;

    DrainBenchmark(EdgeHubRig rig, LoadGenerator load, Path out) {
        this.rig = rig;
        this.load = load;
        this.out = out;
    }

    void run(List<String> flags, long count, int payloadBytes, int window, long timeoutSeconds) throws Exception {
        EdgeHubRig.Edge edge = rig.startEdge("drain", flags);
        try {
            Thread.sleep(2000); // the upstream link is up and the scope synced before the hub goes away
            long eventsBefore = hubEvents();
            rig.stopHub();
            awaitMetric(edge, "edgehub_upstream_connected", "", 0, 60);
            String loadFill = RoutedPair.loadAverage();
            RoutedPair.Endpoints ep = rig.endpoints(edge, EdgeHubRig.UPSTREAM_OUTPUT);
            LoadGenerator.Connected producer = load.connect(ep.target(ep.producer()), ep.producer(), true, window * 2)
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            long[] peak = {0};
            int[] ticks = {0};
            long t0 = System.nanoTime();
            long failures = new StoreFill(producer, ep.producer().telemetryTopic(), count, window, payloadBytes)
                    .run(timeoutSeconds, acked -> {
                        peak[0] = Math.max(peak[0], EdgeHubRig.storeDiskBytes(edge));
                        if (++ticks[0] % 10 == 0) {
                            System.err.printf("  fill: %,d acknowledged%n", acked);
                        }
                    });
            double fillSeconds = (System.nanoTime() - t0) / 1e9;
            LoadGenerator.disconnectAll(List.of(producer));
            long afterFill = EdgeHubRig.storeDiskBytes(edge);
            peak[0] = Math.max(peak[0], afterFill);
            double queued = rig.metric(edge, "edgehub_queue_length", UPSTREAM);
            System.err.printf("drain: %,d stored in %.1f s (%,.0f msg/s), queue %,.0f, disk %.1f MiB; starting the hub%n",
                    count, fillSeconds, count / fillSeconds, queued, afterFill / 1048576.0);

            String loadDrain = RoutedPair.loadAverage();
            long s0 = System.nanoTime();
            rig.startHub();
            double hubStarted = (System.nanoTime() - s0) / 1e9;
            double firstSent = -1;
            double sentBefore = Math.max(0, rig.metric(edge, "edgehub_messages_sent_total", "to=\"upstream\""));
            double remaining = queued;
            long deadline = s0 + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            for (int polls = 1; remaining > 0 && System.nanoTime() < deadline; polls++) {
                Thread.sleep(200);
                remaining = rig.metric(edge, "edgehub_queue_length", UPSTREAM);
                if (firstSent < 0 && rig.metric(edge, "edgehub_messages_sent_total", "to=\"upstream\"") > sentBefore) {
                    firstSent = (System.nanoTime() - s0) / 1e9;
                }
                if (polls % 50 == 0) {
                    System.err.printf("  drain: %,.0f left%n", remaining);
                }
            }
            double drained = (System.nanoTime() - s0) / 1e9;
            long atEmpty = EdgeHubRig.storeDiskBytes(edge);
            long settled = atEmpty;
            for (int i = 0; i < 60 && settled > 1 << 20; i++) {
                Thread.sleep(1000);
                settled = EdgeHubRig.storeDiskBytes(edge);
            }
            double sentUp = rig.metric(edge, "edgehub_messages_sent_total", "to=\"upstream\"") - sentBefore;
            Thread.sleep(2000); // the hub acknowledged the last ones after its commit; let the count settle
            long events = hubEvents() - eventsBefore;
            Markdown table = new Markdown("messages × bytes", "fill (edge hub, hub down)", "drain: hub start → queue empty",
                    "of which hub start / to first send", "drain rate (first send → empty)", "disk peak MiB",
                    "disk at empty MiB", "disk settled MiB", "hub events stored / sent upstream", "load avg fill / drain");
            double sendSeconds = drained - Math.max(firstSent, 0);
            table.row(Markdown.fmt("%,d × %d", count, payloadBytes),
                    Markdown.fmt("%.1f s (%,.0f msg/s, %d refused)", fillSeconds, count / fillSeconds, failures),
                    remaining > 0 ? Markdown.fmt("not empty after %d s (%,.0f left)", timeoutSeconds, remaining)
                            : Markdown.fmt("%.1f s (%,.0f msg/s)", drained, count / drained),
                    Markdown.fmt("%.1f s / %.1f s", hubStarted, firstSent), Markdown.fmt("%,.0f msg/s", count / sendSeconds),
                    Markdown.fmt("%.1f", peak[0] / 1048576.0), Markdown.fmt("%.1f", atEmpty / 1048576.0),
                    Markdown.fmt("%.2f", settled / 1048576.0), Markdown.fmt("%,d / %,.0f", events, sentUp),
                    loadFill + " / " + loadDrain);
            Markdown.emit(out, "#### 2. Offline drain: messages queued through the edge hub with the hub stopped,"
                    + " then the hub started\n\n" + table);
        } finally {
            edge.child().close();
        }
    }

    private void awaitMetric(EdgeHubRig.Edge edge, String name, String labels, double value, int seconds)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (rig.metric(edge, name, labels) != value) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " is not " + value + " after " + seconds + " s");
            }
            Thread.sleep(200);
        }
    }

    /** Rows in the hub's events log (read-only, beside the running hub; WAL readers do not block it). */
    private long hubEvents() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + rig.hubEventsDb() + "?open_mode=1");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }
}
